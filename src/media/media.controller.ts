import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  AuthenticatedRequest,
  CommuneScope,
  CurrentUser,
  DevicesToo,
  ProvinceScope,
} from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { ApiFileResponse } from '../common/api-responses';
import { JsonBodyLimit } from '../common/json-body';
import { ProblemDto } from '../common/problem.dto';
import { AudioAssetView } from './audio-asset.view';
import { AudioUploadInterceptor } from './audio-upload.interceptor';
import {
  ListAudioQueryDto,
  PreviewReadingDto,
  SynthesizeAudioDto,
  UploadAudioDto,
} from './dto/audio.dto';
import { HashedFile } from './hashing-disk-storage';
import { IngestResult, MediaService, UploadedAudio } from './media.service';
import { ReadingPreview } from './tts/reading-preview';

type UploadRequest = Request & { file?: Express.Multer.File & HashedFile };

function uploaded(request: UploadRequest): UploadedAudio | undefined {
  const file = request.file;
  if (!file) return undefined;
  return { path: file.path, size: file.size, sha256: file.sha256, originalName: file.originalname };
}

/** 202 for a new asset (processing starts); 200 for the asset that holds the same bytes already. */
function respond(result: IngestResult, response: Response): AudioAssetView {
  response.status(result.created ? 202 : 200);
  return result.asset;
}

/** Text to synthesize, up to TTS_MAX_CHARS (at most 100,000 characters), as JSON. */
export const TTS_BODY_LIMIT_BYTES = 1024 * 1024;

const UPLOAD_RESPONSES = [
  ApiResponse({
    status: 202,
    description: 'Accepted: queued for processing',
    type: AudioAssetView,
  }),
  ApiResponse({
    status: 200,
    description: 'The same bytes were uploaded before: that asset',
    type: AudioAssetView,
  }),
  ApiResponse({ status: 413, description: 'Larger than AUDIO_MAX_UPLOAD_BYTES', type: ProblemDto }),
  ApiResponse({
    status: 415,
    description: 'Not audio in an accepted container (judged by content, not by name)',
    type: ProblemDto,
  }),
  ApiResponse({
    status: 422,
    description: 'Empty, truncated, corrupt, too short, or longer than MEDIA_MAX_DURATION_SECONDS',
    type: ProblemDto,
  }),
  ApiResponse({
    status: 507,
    description:
      "The owner's storage quota (MEDIA_COMMUNE_QUOTA_BYTES) or the work space is exceeded",
  }),
];

function applyAll(decorators: MethodDecorator[]): MethodDecorator {
  return (target, key, descriptor) => {
    for (const decorator of decorators) decorator(target, key, descriptor);
  };
}

@ApiTags('audio')
@ApiBearerAuth()
@Controller()
export class MediaController {
  constructor(private readonly media: MediaService) {}

  @Post('communes/:commune/audio')
  @CommuneScope()
  @HttpCode(202)
  @UseInterceptors(AudioUploadInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadAudioDto })
  @applyAll(UPLOAD_RESPONSES)
  async upload(
    @Param('commune') commune: string,
    @Req() request: UploadRequest,
    @Res({ passthrough: true }) response: Response,
    @CurrentUser() user: AuthUser,
  ): Promise<AudioAssetView> {
    const result = await this.media.upload(
      this.media.communeOwner(commune),
      uploaded(request),
      user,
    );
    return respond(result, response);
  }

  @Post('communes/:commune/audio/tts')
  @CommuneScope()
  @HttpCode(202)
  @JsonBodyLimit(TTS_BODY_LIMIT_BYTES)
  @ApiResponse({
    status: 202,
    description: 'Synthesized and queued for processing',
    type: AudioAssetView,
  })
  @ApiResponse({ status: 422, description: 'Text longer than TTS_MAX_CHARS', type: ProblemDto })
  async synthesize(
    @Param('commune') commune: string,
    @Body() body: SynthesizeAudioDto,
    @Res({ passthrough: true }) response: Response,
    @CurrentUser() user: AuthUser,
  ): Promise<AudioAssetView> {
    return respond(
      await this.media.synthesize(this.media.communeOwner(commune), body, user),
      response,
    );
  }

  /** How a text will be read, before anything is synthesized: the same cleaning and normalizer. */
  @Post('tts/preview')
  @HttpCode(200)
  @JsonBodyLimit(TTS_BODY_LIMIT_BYTES)
  @ApiOkResponse({
    description: 'The cleaned text, what is read, and each reading',
    type: ReadingPreview,
  })
  @ApiResponse({ status: 422, description: 'Text longer than TTS_MAX_CHARS', type: ProblemDto })
  previewReading(@Body() body: PreviewReadingDto): ReadingPreview {
    return this.media.previewReading(body.text);
  }

  @Get('communes/:commune/audio')
  @CommuneScope()
  list(
    @Param('commune') commune: string,
    @Query() query: ListAudioQueryDto,
  ): Promise<AudioAssetView[]> {
    return this.media.list(this.media.communeOwner(commune), query);
  }

  @Post('provinces/:province/audio')
  @ProvinceScope({ source: 'params', name: 'province' })
  @HttpCode(202)
  @UseInterceptors(AudioUploadInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadAudioDto })
  @applyAll(UPLOAD_RESPONSES)
  async uploadToLibrary(
    @Param('province') province: string,
    @Req() request: UploadRequest,
    @Res({ passthrough: true }) response: Response,
    @CurrentUser() user: AuthUser,
  ): Promise<AudioAssetView> {
    const result = await this.media.upload(
      this.media.provinceOwner(province),
      uploaded(request),
      user,
    );
    return respond(result, response);
  }

  @Post('provinces/:province/audio/tts')
  @ProvinceScope({ source: 'params', name: 'province' })
  @HttpCode(202)
  @JsonBodyLimit(TTS_BODY_LIMIT_BYTES)
  async synthesizeToLibrary(
    @Param('province') province: string,
    @Body() body: SynthesizeAudioDto,
    @Res({ passthrough: true }) response: Response,
    @CurrentUser() user: AuthUser,
  ): Promise<AudioAssetView> {
    return respond(
      await this.media.synthesize(this.media.provinceOwner(province), body, user),
      response,
    );
  }

  /** The province library: everyone of the province reads it. */
  @Get('provinces/:province/audio')
  listLibrary(
    @Param('province') province: string,
    @Query() query: ListAudioQueryDto,
    @CurrentUser() user: AuthUser,
  ): Promise<AudioAssetView[]> {
    return this.media.listLibrary(province, query, user);
  }

  @Get('audio/:id')
  @ApiOkResponse({
    description: 'Status, progress and the measured loudness of the rendition',
    type: AudioAssetView,
  })
  get(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthUser,
  ): Promise<AudioAssetView> {
    return this.media.get(id, user);
  }

  /**
   * The processed rendition (MP3), with Range requests; 409 until it is ready. Devices read it
   * too (their commune's and province library's audio): the ETag is the sha256 of the bytes, as
   * in their manifest, so a resumed download asks `If-Range` with it.
   */
  @Get('audio/:id/content')
  @DevicesToo()
  @ApiFileResponse('The MP3 rendition', ['audio/mpeg'])
  @ApiFileResponse('A byte range of it', ['audio/mpeg'], 206)
  @ApiResponse({ status: 409, description: 'Not processed yet', type: ProblemDto })
  @ApiResponse({ status: 416, description: 'A range outside the file', type: ProblemDto })
  async content(
    @Param('id', ParseUUIDPipe) id: string,
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
  ): Promise<void> {
    const reader = request.device ? { device: request.device } : { user: request.user! };
    const { path, fileName, sha256 } = await this.media.content(id, reader);
    await new Promise<void>((resolve, reject) => {
      response.sendFile(
        path,
        {
          acceptRanges: true,
          cacheControl: false,
          dotfiles: 'allow',
          headers: {
            'Content-Type': 'audio/mpeg',
            'Cache-Control': 'private, no-cache',
            'Content-Disposition': `inline; filename="${id}.mp3"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
            // Set before `send` would make its own weak one: conditional and If-Range use it.
            ETag: `"${sha256}"`,
          },
        },
        (error?: Error) => (error && !response.headersSent ? reject(error) : resolve()),
      );
    });
  }

  @Delete('audio/:id')
  @HttpCode(204)
  @ApiResponse({ status: 409, description: 'A bulletin uses it', type: ProblemDto })
  async delete(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthUser,
  ): Promise<void> {
    await this.media.delete(id, user);
  }
}
