// Starts ReDoc on /redoc (a file, not an inline script: the docs pages' CSP allows no inline code).
const root = document.getElementById("redoc");
window.Redoc.init(root.dataset.openapi, { hideDownloadButton: false }, root);
