// Global setup of the vitest project `postgres`: one throwaway PostgreSQL server for the run
// (throwawayCluster.ts), its URL in EVV_TEST_POSTGRES_URL for the tests and the CLI processes
// they start; stopped and its directory removed at the end. Missing binaries fail the run.
import { startThrowawayCluster } from "./throwawayCluster.js";

export default async function setup(): Promise<() => void> {
  const cluster = await startThrowawayCluster({ fast: true });
  process.env.EVV_TEST_POSTGRES_URL = cluster.url;
  return () => cluster.stop();
}
