import { Command } from 'commander';
import { configFrom, note, out } from './runtime.ts';

/** How long a shutdown may take before the process gives up waiting and exits anyway. */
const shutdownGraceMs = 10_000;

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the Blossom server (web app and API)')
    .option('--port <port>', 'port to listen on (overrides PORT; default 8080)')
    .addHelpText(
      'after',
      `
Settings come from environment variables (see docs/operating.md). Pending database
migrations are applied first. The first start prints a one-time link for creating the
administrator. Ctrl-C or SIGTERM stops the server gracefully.

Examples:
  $ npx blossom serve
  $ npx blossom serve --port 3000
  $ BLOSSOM_PUBLIC_URL=https://blossom.example.org npx blossom serve`,
    )
    .action(async (opts: { port?: string }) => {
      const config = configFrom({ PORT: opts.port });
      // Loaded here, not at the top: the other commands have no use for the whole web app.
      const { start } = await import('../main.ts');
      let running: Awaited<ReturnType<typeof start>>;
      try {
        running = await start(config);
      } catch (err) {
        note(listenFailure(err as NodeJS.ErrnoException, config.port));
        process.exit(1);
      }
      out(`Blossom is running at ${running.url} (Ctrl-C to stop).`);

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
          },
          (err: unknown) => {
            note(`Error while stopping: ${(err as Error).message}`);
            process.exitCode = 1;
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
