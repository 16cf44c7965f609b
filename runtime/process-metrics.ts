/**
 * @module process-metrics
 * The process's own series, named as prom-client's default metrics name them (so Node.js
 * dashboards read them): CPU seconds, resident, heap and external memory, start time, open and
 * allowed file descriptors (Linux), and the event loop's delay since the previous scrape
 * (`nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds`) from
 * `perf_hooks.monitorEventLoopDelay`: how late its timer fired, past its interval (the monitor
 * measures the time between firings: an idle loop reads 0 here, not the interval, unlike
 * prom-client's). The first interval after a scrape is not measured (the monitor's reset
 * starts afresh). Everything is read at scrape time; the delay monitor, the
 * one thing running between scrapes, is a libuv timer every `LAG_RESOLUTION_MS` that records
 * how late it fired (no JavaScript runs for it; it keeps no process alive), started by the first
 * registry made (`startEventLoopMonitor`): a `podfn run` never starts it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { counter, gauge } from "./prometheus-text.js";

/** How often the delay monitor samples, in ms (prom-client's default is 10). */
export const LAG_RESOLUTION_MS = 20;

let monitor: IntervalHistogram | undefined;

/** Start sampling the event loop's delay, once per process. */
export function startEventLoopMonitor(): void {
  if (monitor) return;
  monitor = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  monitor.enable();
}

const startTimeSeconds = Math.round(Date.now() / 1000 - process.uptime());

/** Append the process's series to `out`; the event loop's delay is reset for the next scrape. */
export function processMetrics(out: string[]): void {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  counter(out, "process_cpu_user_seconds_total", "User CPU time spent, in seconds.", cpu.user / 1e6);
  counter(out, "process_cpu_system_seconds_total", "System CPU time spent, in seconds.", cpu.system / 1e6);
  counter(out, "process_cpu_seconds_total", "Total user and system CPU time spent, in seconds.", (cpu.user + cpu.system) / 1e6);
  gauge(out, "process_resident_memory_bytes", "Resident memory size, in bytes.", memory.rss);
  gauge(out, "process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds.", startTimeSeconds);
  const fds = fileDescriptors();
  if (fds) {
    gauge(out, "process_open_fds", "Number of open file descriptors.", fds.open);
    if (fds.max !== undefined) gauge(out, "process_max_fds", "Maximum number of open file descriptors.", fds.max);
  }
  gauge(out, "nodejs_heap_size_used_bytes", "V8 heap used, in bytes.", memory.heapUsed);
  gauge(out, "nodejs_heap_size_total_bytes", "V8 heap size, in bytes.", memory.heapTotal);
  gauge(out, "nodejs_external_memory_bytes", "Memory of C++ objects bound to JavaScript objects (buffers among them), in bytes.", memory.external);
  if (monitor) eventLoopDelay(out, monitor);
}

/** What the event-loop series read of the delay monitor. */
export type DelayHistogram = Pick<IntervalHistogram, "count" | "min" | "max" | "mean" | "stddev" | "percentile" | "reset">;

/**
 * The delay's summary since the previous scrape, in seconds past the monitor's interval (0 when
 * nothing was sampled); the histogram is reset for the next scrape.
 */
export function eventLoopDelay(out: string[], histogram: DelayHistogram): void {
  const sampled = histogram.count > 0;
  const interval = LAG_RESOLUTION_MS * 1e6;
  const seconds = (ns: number) => (sampled && Number.isFinite(ns) ? Math.max(0, ns - interval) / 1e9 : 0);
  gauge(out, "nodejs_eventloop_lag_min_seconds", "The minimum recorded event loop delay since the previous scrape.", seconds(histogram.min));
  gauge(out, "nodejs_eventloop_lag_max_seconds", "The maximum recorded event loop delay since the previous scrape.", seconds(histogram.max));
  gauge(out, "nodejs_eventloop_lag_mean_seconds", "The mean of the recorded event loop delays since the previous scrape.", seconds(histogram.mean));
  gauge(out, "nodejs_eventloop_lag_stddev_seconds", "The standard deviation of the recorded event loop delays since the previous scrape.", sampled && Number.isFinite(histogram.stddev) ? histogram.stddev / 1e9 : 0);
  gauge(out, "nodejs_eventloop_lag_p50_seconds", "The 50th percentile of the recorded event loop delays since the previous scrape.", seconds(histogram.percentile(50)));
  gauge(out, "nodejs_eventloop_lag_p90_seconds", "The 90th percentile of the recorded event loop delays since the previous scrape.", seconds(histogram.percentile(90)));
  gauge(out, "nodejs_eventloop_lag_p99_seconds", "The 99th percentile of the recorded event loop delays since the previous scrape.", seconds(histogram.percentile(99)));
  histogram.reset();
}

/** Open descriptors and their soft limit, on Linux (`/proc/self`); undefined elsewhere. */
function fileDescriptors(): { open: number; max: number | undefined } | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    // One entry is the directory's own descriptor, open while it is read.
    const open = readdirSync("/proc/self/fd").length - 1;
    const limit = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    return { open, max: limit ? Number(limit[1]) : undefined };
  } catch {
    return undefined;
  }
}


