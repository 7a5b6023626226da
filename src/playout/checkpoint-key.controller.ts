import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/access.decorators';
import { CheckpointKeyView } from './checkpoint-keys';
import { CheckpointsService } from './checkpoints.service';

/** The public key of the checkpoints: public, so that anyone can check one. */
@ApiTags('playout')
@Controller('checkpoint-key')
export class CheckpointKeyController {
  constructor(private readonly checkpoints: CheckpointsService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'The Ed25519 public key that signs the chain checkpoints' })
  key(): CheckpointKeyView {
    return this.checkpoints.publicKey();
  }
}
