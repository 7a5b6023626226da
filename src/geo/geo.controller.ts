import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { GeoService } from './geo.service';
import { Province } from './geo.types';
import { CommuneView } from './geo.view';
import { Omittable } from '../common/validation';

export class ListCommunesQueryDto {
  @Omittable()
  @Matches(/^\d{2}$/, { message: 'province must be a 2-digit province code' })
  province?: string;
}

@ApiTags('geo')
@ApiBearerAuth()
@Controller()
export class GeoController {
  constructor(private readonly geo: GeoService) {}

  @Get('provinces')
  provinces(): Province[] {
    return this.geo.provinces();
  }

  @Get('communes')
  communes(@Query() query: ListCommunesQueryDto): CommuneView[] {
    const communes = query.province ? this.geo.communesOf(query.province) : this.geo.allCommunes();
    return communes.map(({ code, name, kind, provinceCode }) => ({
      code,
      name,
      kind,
      provinceCode,
    }));
  }
}
