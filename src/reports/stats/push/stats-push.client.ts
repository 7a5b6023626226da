import { Injectable } from '@nestjs/common';

/** What a receiver answered: its HTTP status, or the network error that stopped the request. */
export interface PushAnswer {
  statusCode: number | null;
  error: string | null;
}

/** A receiver gets this long to answer before the attempt counts as failed. */
const TIMEOUT_MS = 15_000;

/**
 * The one side effect of the push: an HTTPS (or HTTP) POST of a JSON body. Redirects are not
 * followed (a signed body goes only where the admin said).
 */
@Injectable()
export class StatsPushClient {
  async post(url: string, body: string, headers: Record<string, string>): Promise<PushAnswer> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'loa-xa', ...headers },
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.body?.cancel();
      return { statusCode: response.status, error: null };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { statusCode: null, error: cause ?? (error as Error).message };
    }
  }
}
