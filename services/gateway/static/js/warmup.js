// While the stack warms up (the image model loads for several seconds after a start), the page says so instead of
// failing: it asks GET /v1/warmup until the gateway answers ready. A playlist asked for meanwhile is held by the
// gateway until the model is ready (services/gateway/warmup.py), so nothing here blocks the person.

const POLL_MS = 1000;

async function warmupState() {
  try {
    const response = await fetch("/v1/warmup", { headers: { Accept: "application/json" } });
    return response.ok ? await response.json() : { ready: false, waiting_for: [] };
  } catch {
    return { ready: false, waiting_for: [] }; // the gateway itself may be restarting: keep asking
  }
}

/** Resolves once the gateway is ready; `onWaiting(true)` while it warms up, `onWaiting(false)` once it is ready. */
export async function untilWarm(onWaiting) {
  let waited = false;
  for (;;) {
    const state = await warmupState();
    if (state.ready) {
      if (waited) onWaiting(false);
      return;
    }
    if (!waited) onWaiting(true);
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
