// Crossroads evaluator: start the engine's worker as early as the page
// allows. Loaded with `async` right after the page's settings (#cr-config),
// so it runs as soon as it and client.js arrive, while the rest of the page
// is still being read; evaluator.js then takes this client
// (window.crossroadsEngine) instead of starting another.

import { EngineClient } from "./client.js";

const root = document.querySelector("[data-crossroads-evaluator]");
const settings = root && root.querySelector("#cr-config");
if (settings && !window.crossroadsEngine) window.crossroadsEngine = new EngineClient(JSON.parse(settings.textContent));
