// The device check against PyTorch: the reference runs one case at a time, so the page hears of
// each as it finishes (a case is a few MiniLM steps; all of them take a minute or more on a CPU).
// The report is the core's, merged. Model and data stay as they are meanwhile (slot.checking).
import { engine, post, slot, tick } from './state.js';

export async function checkTrajectory(msg) {
  const { session } = engine;
  if (!session.check_trajectory) throw new Error('this build of tabtune has no trajectory check: rebuild it (scripts/build-web)');
  let reference;
  try { reference = JSON.parse(msg.reference); } catch { reference = null; }
  if (!reference?.cases || typeof reference.cases !== 'object') return session.check_trajectory(msg.reference); // the core says what is wrong
  const report = { cases: {}, worst_loss_rel: 0 };
  slot.checking = true;
  try {
    for (const [name, c] of Object.entries(reference.cases)) {
      const one = await session.check_trajectory(JSON.stringify({ ...reference, cases: { [name]: c } }));
      const { worst_loss_rel, cases, ...rest } = one;
      Object.assign(report, rest);
      report.cases[name] = cases[name];
      report.worst_loss_rel = Math.max(report.worst_loss_rel, worst_loss_rel);
      post({ id: msg.id, type: 'case', name, ...cases[name] });
      await tick();
    }
  } finally { slot.checking = false; }
  return report;
}
