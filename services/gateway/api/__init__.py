"""The gateway's HTTP layer: routes (parse, call the service layer, render), what they take through Depends, the
middleware and the API docs."""
