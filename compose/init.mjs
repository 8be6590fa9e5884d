// The compose `init` service: secrets, per-service secret env files and the local CA + server
// certificate, into /run/parley (the parley-state volume). Made once, reused on every run.
import { initDeployment } from '@parley/cli';

try {
  const r = await initDeployment('/run/parley', process.env);
  console.log(
    `parley init: secrets ${r.secretsCreated ? 'generated' : 'reused'}, certificate ${r.certificatesCreated ? 'issued' : 'reused'}`,
  );
  console.log(`parley init: open ${r.publicUrl} ; trust the CA: docker compose cp web:${r.caPath} ./parley-ca.pem`);
} catch (err) {
  console.error(`parley init: ${err.message}`);
  process.exit(1);
}
