import { createServer, type Server } from 'node:http';
import { z } from 'zod';

/** The fields of a Convene webhook body the bench reads (others are ignored; a field of another type reads as absent). */
const WebhookBody = z.object({ id: z.string().optional().catch(undefined), taskId: z.string().optional().catch(undefined) });

export interface ReceivedWebhook {
  /** Epoch milliseconds (sub-millisecond precision) when the request body was complete. */
  at: number;
  taskId?: string;
  notificationId?: string;
  deliveryId?: string;
}

/** An agency's webhook endpoint on 127.0.0.1 that answers 204 and records what arrived. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = performance.timeOrigin + performance.now();
        let body: z.infer<typeof WebhookBody> = {};
        try {
          const parsed = WebhookBody.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          if (parsed.success) body = parsed.data;
        } catch {
          // not JSON: still counted
        }
        const delivery = req.headers['x-convene-delivery'];
        this.received.push({ at, taskId: body.taskId, notificationId: body.id, deliveryId: typeof delivery === 'string' ? delivery : undefined });
        res.writeHead(204).end();
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/convene-webhook`;
  }

  /** Forgets what arrived so far (between waves). */
  reset(): void {
    this.received.length = 0;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
