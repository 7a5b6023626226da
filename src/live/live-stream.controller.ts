import { Controller, Get, Param, ParseUUIDPipe, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DeviceRoute } from '../auth/access.decorators';
import { ApiFileResponse } from '../common/api-responses';
import { DomainError } from '../common/domain-error';
import { DeviceGuard, DeviceRequest } from '../fleet/device.guard';
import { LiveFleet } from './live-fleet';
import { LIVE_STREAM_CODEC } from './live-stream-args';

const uuid = new ParseUUIDPipe();

/** The live stream devices pull when told `play-live` (docs/device-protocol.md, "Live"). */
@ApiTags('devices')
@Controller('devices')
export class LiveStreamController {
  constructor(private readonly fleet: LiveFleet) {}

  /**
   * The speech of a live session as it is spoken: MP3 mono 64 kb/s, chunked, from where the
   * session is now, ending when the session ends. The device's own id only (403); a session not
   * on air for the device (another commune or zone, or over) is 404.
   */
  @ApiBearerAuth()
  @DeviceRoute()
  @UseGuards(DeviceGuard)
  @ApiFileResponse('The live speech, MP3 as it is spoken (chunked)', [
    LIVE_STREAM_CODEC.contentType,
  ])
  @Get(':id/live/:sessionId')
  stream(
    @Param('id', uuid) id: string,
    @Param('sessionId', uuid) sessionId: string,
    @Req() request: DeviceRequest,
    @Res() response: Response,
  ): void {
    const device = request.device!;
    if (device.id !== id) throw new DomainError('FORBIDDEN', 'A device pulls its own stream only');
    response.status(200);
    response.setHeader('Content-Type', LIVE_STREAM_CODEC.contentType);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Accel-Buffering', 'no');
    if (!this.fleet.listen(device, sessionId, response)) {
      response.removeHeader('Content-Type');
      throw new DomainError(
        'LIVE_SESSION_NOT_FOUND',
        `No live session ${sessionId} is on air for device ${id}`,
      );
    }
    response.flushHeaders();
    request.socket.setNoDelay(true);
  }
}
