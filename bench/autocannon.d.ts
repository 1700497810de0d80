/** The part of autocannon's API the benchmarks use (the package ships no types). */
declare module 'autocannon' {
  interface Histogram {
    average: number;
    total: number;
    p50: number;
    p99: number;
  }
  interface Result {
    requests: Histogram;
    latency: Histogram;
    non2xx: number;
    statusCodeStats?: Record<string, { count: number }>;
  }
  interface RawRequest {
    method?: string;
    path: string;
    headers?: Record<string, string>;
  }
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    requests?: {
      method?: string;
      path: string;
      headers?: Record<string, string>;
      /** Rewrites the request before it is sent (called for every request, in this process). */
      setupRequest?: (req: RawRequest) => RawRequest;
    }[];
  }
  export default function autocannon(options: Options): Promise<Result>;
}
