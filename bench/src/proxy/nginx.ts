/**
 * nginx as the reference reverse proxy: found on PATH (or installed from Debian's packages
 * when missing and running as root), run as a non-daemon child with its own prefix, config
 * and port, one worker process (hotswap's forwarding runs on one event loop), keepalive
 * connections to the upstream.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { freePort } from "@hotswap/testkit";
import { spawnChild } from "./children.ts";
import type { RunningServer } from "./servers.ts";

export type NginxLookup =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly why: string };

function which(): string | null {
  const found = spawnSync("sh", ["-c", "command -v nginx"], { encoding: "utf8" });
  const path = found.stdout.trim();
  if (found.status === 0 && path !== "") return path;
  return existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : null;
}

function aptInstall(): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args: string[]): boolean =>
    spawnSync("apt-get", args, { stdio: ["ignore", 2, 2], env }).status === 0;
  return run(["install", "-y", "nginx"]) || (run(["update"]) && run(["install", "-y", "nginx"]));
}

/** Finds nginx, installing it with apt-get when missing and root. Never throws. */
export function findNginx(install: boolean): NginxLookup {
  const path = which();
  if (path !== null) return { ok: true, path };
  if (!install) return { ok: false, why: "nginx is not installed (install disabled)" };
  if (process.getuid?.() !== 0) return { ok: false, why: "nginx is not installed and we are not root" };
  process.stderr.write("nginx missing: apt-get install -y nginx\n");
  if (!aptInstall()) return { ok: false, why: "apt-get install -y nginx failed" };
  const installed = which();
  return installed === null
    ? { ok: false, why: "nginx still not found after install" }
    : { ok: true, path: installed };
}

/** Pure. The nginx config for a keepalive reverse proxy of `upstreamPort` on `port`. */
export function nginxConfig(prefix: string, port: number, upstreamPort: number): string {
  const temp = (name: string): string => `${name}_temp_path ${join(prefix, "tmp", name)};`;
  return `daemon off;
worker_processes 1;
pid ${join(prefix, "nginx.pid")};
error_log ${join(prefix, "error.log")} warn;
${process.getuid?.() === 0 ? "user root;" : ""}
events { worker_connections 8192; }
http {
  access_log off;
  ${temp("client_body")}
  ${temp("proxy")}
  ${temp("fastcgi")}
  ${temp("uwsgi")}
  ${temp("scgi")}
  client_max_body_size 64m;
  keepalive_requests 1000000;
  upstream bench_upstream {
    server 127.0.0.1:${upstreamPort};
    keepalive 512;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
    }
  }
}
`;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Starts nginx in front of `upstreamUrl`; resolves once its port accepts connections. */
export async function startNginx(nginxPath: string, upstreamUrl: string): Promise<RunningServer> {
  const prefix = mkdtempSync(join(tmpdir(), "hotswap-bench-nginx-"));
  mkdirSync(join(prefix, "tmp"));
  const port = await freePort();
  const upstreamPort = Number(new URL(upstreamUrl).port);
  const confPath = join(prefix, "nginx.conf");
  writeFileSync(confPath, nginxConfig(prefix, port, upstreamPort));
  const child = spawnChild(nginxPath, ["-p", prefix, "-e", join(prefix, "error.log"), "-c", confPath]);
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  // nginx prints nothing when ready: poll its port (bounded; a bench, not a test gate).
  for (let i = 0; i < 200 && !exited; i++) {
    if (await canConnect(port)) {
      return { url: `http://127.0.0.1:${port}`, pid: child.pid, process: child, stop: () => child.stop() };
    }
    await delay(25);
  }
  await child.stop();
  throw new Error(`nginx did not listen on ${port}: ${child.lines.map((l) => l.text).join("\n")}`);
}

/** nginx started in front of an upstream, or why it was not (`server` null). */
export interface NginxBeside {
  readonly server: RunningServer | null;
  /** How it runs, or "nginx skipped: <why>". */
  readonly note: string;
}

/**
 * Finds (or installs, see `findNginx`) and starts nginx in front of `upstreamUrl`; when it
 * cannot be had, logs why and resolves with no server. Throws only if a found nginx fails
 * to start.
 */
export async function startNginxIfAvailable(
  install: boolean,
  upstreamUrl: string,
  log: (line: string) => void,
): Promise<NginxBeside> {
  const lookup = findNginx(install);
  if (!lookup.ok) {
    const note = `nginx skipped: ${lookup.why}`;
    log(note);
    return { server: null, note };
  }
  const server = await startNginx(lookup.path, upstreamUrl);
  return { server, note: `${lookup.path}, 1 worker, keepalive 512, request and response buffering off` };
}
