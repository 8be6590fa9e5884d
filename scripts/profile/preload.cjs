// CPU profile of the `parley start` process (its in-process bridge, focus and web server), written on
// exit. Node 20 refuses --cpu-prof in NODE_OPTIONS, and the benchmark spawns `parley start` itself, so
// this preload starts the profiler through node:inspector instead. Only a process whose command line
// is `... start ... --json` (what tests and benchmarks run) profiles; every other node process is left
// alone. Usage:
//   PARLEY_PROFILE_DIR=/tmp/prof NODE_OPTIONS="--require $PWD/scripts/profile/preload.cjs" \
//     npm run bench:load -- --sizes 6 --seconds 10
//   node scripts/profile/split.mjs --media /tmp/prof/*.cpuprofile
const argv = process.argv.join(' ');
const dir = process.env.PARLEY_PROFILE_DIR;
if (dir && argv.includes(' start ') && argv.includes('--json')) {
  const inspector = require('node:inspector');
  const fs = require('node:fs');
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // An in-process session answers synchronously, so this completes before the process ends.
    session.post('Profiler.stop', (err, result) => {
      if (!err) fs.writeFileSync(`${dir}/start-${process.pid}.cpuprofile`, JSON.stringify(result.profile));
    });
  });
}
