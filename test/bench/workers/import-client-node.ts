/**
 * @module bench/workers/import-client-node
 * Only imports @kubernetes/client-node, then exits: the start-up cost of the usual
 * Kubernetes client, for the run-once comparison.
 */
await import("@kubernetes/client-node");
