import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { GeoService } from './geo.service';
import { Commune, Province } from './geo.types';

export class ListCommunesQueryDto {
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'province must be a 2-digit province code' })
  province?: string;
}

export interface CommuneView {
  code: string;
  name: string;
  kind: Commune['kind'];
  provinceCode: string;
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
