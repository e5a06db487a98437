// What every scenario script under src/test/js shares: waiting for one event, and running the
// scenario named on the command line with a time limit, printing its result as one JSON line
// (exit 0), or why it failed (exit 1) or is unknown (exit 2). NodeScript reads that line.
export const once = (emitter, event) => new Promise((resolve) => emitter.once(event, (...a) => resolve(a)));

export async function runScenario(scenarios, name, args, limitMs) {
  const run = scenarios[name];
  if (!run) {
    console.error(`unknown scenario ${name}`);
    process.exit(2);
  }
  const timer = setTimeout(() => {
    console.error(`scenario ${name} timed out`);
    process.exit(1);
  }, limitMs);
  try {
    const result = await run(...args);
    clearTimeout(timer);
    console.log(JSON.stringify(result));
    process.exit(0);
  } catch (e) {
    console.error(`scenario ${name} failed: ${e && e.stack || e}`);
    process.exit(1);
  }
}
