/**
 * The direction of src/, as ../shared/DESIGN.md draws it, enforced in lint (`npm run lint`):
 * entry points (main.ts, cli, service, demo) → the interfaces people and machines use (slack,
 * queue) → the use cases (operations) → the work (executor, backups, incidents, notify, doctor,
 * init) → what lives on disk and in the outside world (state, store, adapters, log, config) → the
 * pure domain. An arrow up, or a cycle, fails. Type imports count: they say which way a room depends.
 */
const ENTRY = '^src/(main\\.ts|cli|service|demo)/?';
const INTERFACES = '^src/(slack|queue)/';
const OPERATIONS = '^src/operations/';
const WORK = '^src/(executor|backups|incidents|notify|doctor|init)/';
const GROUND = '^src/(state|store|adapters|log|config)/';
const DOMAIN = '^src/domain/';

const above = (from, ...targets) => targets.map((to) => ({ from: { path: from }, to: { path: to } }));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports no other room and no node built-in (DESIGN.md: PURE); which npm packages it may use is eslint\'s no-restricted-imports',
      severity: 'error',
      from: { path: DOMAIN },
      to: { pathNot: [DOMAIN, '(^|/)node_modules/'] },
    },
    ...[
      ['ground-points-down', GROUND, [ENTRY, INTERFACES, OPERATIONS, WORK]],
      ['work-points-down', WORK, [ENTRY, INTERFACES, OPERATIONS]],
      ['operations-point-down', OPERATIONS, [ENTRY, INTERFACES]],
      ['interfaces-point-down', INTERFACES, [ENTRY]],
    ].flatMap(([name, from, targets]) => above(from, ...targets).map((r) => ({
      name, severity: 'error', comment: 'an arrow up the layers of DESIGN.md: move the code to the room it belongs in, or invert the dependency with a port',
      ...r,
    }))),
    {
      name: 'slack-through-operations',
      comment: 'the bot reads the host through the use cases (operations), never by opening the executor itself',
      severity: 'error',
      from: { path: '^src/slack/' },
      to: { path: '^src/(executor|backups|doctor|init)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      comment: 'a cycle between two files is a design bug (DESIGN.md)',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
