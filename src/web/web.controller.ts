import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/access.decorators';
import { DomainError } from '../common/domain-error';
import { toProblem } from '../common/problem.filter';
import { WebAssets } from './web-assets';

/**
 * The page's own Content-Security-Policy, stricter than the service-wide one (helmet in
 * app.factory.ts, which the API docs and the queue dashboard also live under): scripts and styles
 * from this service only, nothing inline; audio and downloads from blob: URLs the app makes.
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The web app: `GET /` is the page, `GET /assets/…` its scripts, styles and icons. Both paths are
 * excluded from the API prefix in app.factory.ts; everything else stays under /api.
 */
@ApiExcludeController()
@Public()
@Controller()
export class WebController {
  constructor(private readonly assets: WebAssets) {}

  @Get()
  index(@Res() response: Response): void {
    response.setHeader('Content-Security-Policy', WEB_APP_CSP);
    this.send(response, ['index.html']);
  }

  @Get('assets/*path')
  asset(@Param('path') path: string | string[], @Res() response: Response): void {
    const segments = Array.isArray(path) ? path : path.split('/');
    this.send(response, segments);
  }

  private send(response: Response, segments: readonly string[]): void {
    const location = this.assets.locate(segments);
    if (!location) {
      throw new DomainError('NOT_FOUND', `No such file: /${segments.join('/')}`);
    }
    // File names carry no content hash, so the browser revalidates (a cheap 304 by ETag).
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(location.relativePath, { root: location.root, dotfiles: 'deny' }, (error) => {
      // Removed between the look-up and the read (a rebuild): answer like any missing file.
      if (error && !response.headersSent) {
        response.status(404).json(toProblem(new DomainError('NOT_FOUND', 'No such file')));
      }
    });
  }
}
