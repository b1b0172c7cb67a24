/** The sandbox's ripcord.yml, written as a person would write it: every line says what it is for. */
import { join } from 'node:path';

export function sandboxConfigText(s: { dir: string; appDir: string; project: string; webUrl: string }): string {
  return `# ripcord.yml of the demo sandbox (made by \`ripcord demo\`; removed by \`ripcord demo --clean\`).
# Try any command against it: ripcord status --config ${join(s.dir, 'ripcord.yml')}
version: 1
# Journals and locks of this host.
stateDir: ${join(s.dir, 'state')}
environments:
  production:
    # The app checkout Ripcord deploys; releases are fetched from its "origin" remote.
    appDir: ${s.appDir}
    composeFile: compose.yaml
    composeProject: ${s.project}
    # PostgreSQL runs in the compose service "db": dumps and restores run inside it.
    database:
      service: db
      name: shop
      user: postgres
    backups:
      dir: ${join(s.dir, 'backups')}
    # One-off commands run in the "jobs" service (the web image, never running on its own).
    stages:
      migrate: { service: jobs, command: sh /srv/shop.sh migrate, timeoutSeconds: 120 }
      integrity: { service: jobs, command: sh /srv/shop.sh check, timeoutSeconds: 60 }
    health:
      url: ${s.webUrl}/health/
      retries: 10
      delaySeconds: 1
      timeoutSeconds: 3
`;
}
