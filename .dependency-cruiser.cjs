/**
 * The house rule: arrows run one way, edge → domain → store. The domain (articles/, contract/, shared/) never
 * imports a framework or the store; the contract is plain zod so the SDK can ship it.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-free-of-frameworks',
      severity: 'error',
      comment: 'The domain must not import express, socket.io or mongoose.',
      from: { path: '^src/(articles|related|contract|shared)/' },
      to: { path: 'node_modules/(express|socket\\.io|mongoose|mongodb|ioredis|redis|@socket\\.io)/' },
    },
    {
      name: 'domain-not-on-edges-or-store',
      severity: 'error',
      comment: 'The domain talks to the store through its port; it never imports http/, realtime/ or store/.',
      from: { path: '^src/(articles|related|contract|shared)/' },
      to: { path: '^src/(http|realtime|store|app|main|embedded-db)' },
    },
    {
      name: 'contract-is-pure',
      severity: 'error',
      comment: 'The contract is shared with the SDK: zod only.',
      from: { path: '^src/contract/' },
      to: { path: '^src/(?!contract/)' },
    },
    {
      name: 'store-below-domain',
      severity: 'error',
      comment: 'The store implements the domain port; it knows nothing of the edges.',
      from: { path: '^src/store/' },
      to: { path: '^src/(http|realtime|app|main)' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
