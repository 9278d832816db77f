import type { useOpenTelemetry } from '@envelop/opentelemetry';
import type { TracerProvider } from '@opentelemetry/api';
import type { Config } from '../config.js';

/** Yoga takes Envelop's plugins as they are. */
export type TracingPlugin = ReturnType<typeof useOpenTelemetry>;

export interface Tracing {
  /** A span per GraphQL execution: operation name and type and the document, never variables. */
  plugin: TracingPlugin;
  /** Sends the spans still buffered and stops exporting (on shutdown). */
  shutdown(): Promise<void>;
}

/**
 * Spans exported over OTLP/HTTP (JSON) in batches. The exporter reads the standard variables
 * itself: OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318) or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, and OTEL_EXPORTER_OTLP_HEADERS for a collector's key.
 * Loaded only when tracing is on: a server without it pays nothing for the SDK.
 */
export async function startTracing(tracing: NonNullable<Config['tracing']>): Promise<Tracing> {
  const [{ BasicTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { Resource }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
    ]);
  const provider = new BasicTracerProvider({
    resource: new Resource({ 'service.name': tracing.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  return { plugin: await tracingPlugin(provider), shutdown: () => provider.shutdown() };
}

/**
 * Envelop's OpenTelemetry plugin on `provider`. Variables and results stay out of spans (they
 * carry what a caller may see, and traces reach other systems); resolvers too, whose spans
 * would number in the hundreds per request.
 */
export async function tracingPlugin(provider: TracerProvider): Promise<TracingPlugin> {
  const { useOpenTelemetry: tracingOf } = await import('@envelop/opentelemetry');
  return tracingOf({ document: true, variables: false, result: false, resolvers: false }, provider);
}
