import cluster from 'node:cluster';
import { Command } from 'commander';
import { configFrom, note, out } from './runtime.ts';
import { runPrimary, workersProblem } from './workers.ts';

/** How long a shutdown may take before the process gives up waiting and exits anyway. */
const shutdownGraceMs = 10_000;

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the Blossom server (web app and API)')
    .option('--port <port>', 'port to listen on (overrides PORT; default 8080)')
    .option('--workers <n>', 'processes sharing the port, PostgreSQL only (overrides BLOSSOM_WORKERS; default 1)')
    .addHelpText(
      'after',
      `
Settings come from environment variables (see docs/operating.md). Pending database
migrations are applied first. The first start prints a one-time link for creating the
administrator. Ctrl-C or SIGTERM stops the server gracefully. With PostgreSQL,
--workers N runs N processes on the one port (one per CPU core is a good start);
a worker that dies is restarted.

Examples:
  $ npx blossom serve
  $ npx blossom serve --port 3000
  $ BLOSSOM_DATABASE_URL_FILE=/etc/blossom/database-url npx blossom serve --workers 4
  $ BLOSSOM_PUBLIC_URL=https://blossom.example.org npx blossom serve`,
    )
    .action(async (opts: { port?: string; workers?: string }) => {
      const config = configFrom({ PORT: opts.port, BLOSSOM_WORKERS: opts.workers });
      const problem = workersProblem(config);
      if (problem) {
        note(problem);
        process.exit(1);
      }
      if (config.workers > 1 && cluster.isPrimary) return runPrimary(config);
      // A worker of `--workers N`: the primary announces the address and prints the setup link once.
      const worker = cluster.isWorker;
      // Loaded here, not at the top: the other commands have no use for the whole web app.
      const { start } = await import('../main.ts');
      let running: Awaited<ReturnType<typeof start>>;
      try {
        running = await start(config, { quiet: worker && cluster.worker?.id !== 1 });
      } catch (err) {
        note(listenFailure(err as NodeJS.ErrnoException, config.port));
        process.exit(1);
      }
      if (!worker) out(`Blossom is running at ${running.url} (Ctrl-C to stop).`);

      const shutdown = (signal: NodeJS.Signals) => {
        note(`Received ${signal}; stopping.`);
        // A second signal means the operator does not want to wait.
        process.once(signal, () => process.exit(1));
        setTimeout(() => {
          note(`Still stopping after ${shutdownGraceMs / 1000} s; exiting anyway.`);
          process.exit(1);
        }, shutdownGraceMs).unref();
        running.stop().then(
          () => {
            process.exitCode = 0;
            // A worker's channel to the primary would keep it alive.
            if (worker) process.exit(0);
          },
          (err: unknown) => {
            note(`Error while stopping: ${(err as Error).message}`);
            process.exitCode = 1;
            if (worker) process.exit(1);
          },
        );
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}

/** A taken or privileged port deserves a sentence, not a stack trace. */
function listenFailure(err: NodeJS.ErrnoException, port: number): string {
  if (err.code === 'EADDRINUSE') return `Port ${port} is already in use by another program. Stop it, or choose another port: PORT=8081 npm start`;
  if (err.code === 'EACCES') return `Not allowed to listen on port ${port}. Ports below 1024 need special rights; use a higher one behind a reverse proxy.`;
  return `Blossom could not start: ${err.stack ?? err.message}`;
}
