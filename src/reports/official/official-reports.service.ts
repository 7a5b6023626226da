import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { IsNull } from 'typeorm';
import { AuthUser, canAccessCommune, canAccessProvince } from '../../auth/auth-user';
import { CampaignsService } from '../../campaigns/campaigns.service';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { localDateOf } from '../../common/local-time';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { Db } from '../../database/db.service';
import { GeoService } from '../../geo/geo.service';
import { TopicsService } from '../../topics/topics.service';
import { ChainChecksService } from '../chain-checks.service';
import { RangeQuery, ReportsService } from '../reports.service';
import { UpliftRow, UpliftTotals } from '../uplift';
import { OfficialReportDraft } from './entities/official-report-draft.entity';
import {
  defaultText,
  OfficialNumbers,
  OfficialReportModel,
  officialCommunes,
  OfficialText,
} from './official-content';
import { findFontDir, renderOfficialPdf, WORD_FONT_FILES } from './official-pdf.writer';
import {
  GlyphCoverage,
  loadCoverage,
  unprintableNames,
  unprintableSummary,
  unprintableText,
  UnprintableText,
} from './font-coverage';
import { OfficialDraftView } from './official-draft.view';

/** Which report: a province's (its monitors, admins) or a commune's own (its users too). */
export interface OfficialScope extends RangeQuery {
  campaign: string;
  province?: string;
  commune?: string;
}

function draftView(draft: OfficialReportDraft): OfficialDraftView {
  return {
    id: draft.id,
    campaign: draft.campaignCode,
    province: draft.provinceCode,
    commune: draft.communeCode,
    from: draft.from,
    to: draft.to,
    text: draft.text,
    createdAt: draft.createdAt.toISOString(),
    updatedAt: draft.updatedAt.toISOString(),
  };
}

/** The words that stay from one report of a scope to the next (not its number, subject or opening). */
const STANDING_WORDS = [
  'parentBody',
  'issuingBody',
  'place',
  'signerAuthority',
  'signerTitle',
  'signerName',
  'recipients',
] as const satisfies readonly (keyof OfficialText)[];

/** The words a new draft starts with, and the names their defaults hold. */
interface StartingWords {
  text: OfficialText;
  names: Parameters<typeof unprintableNames>[0];
}

/** The words given (a DTO's fields left out are present as undefined: they change nothing). */
function givenWords(text: Partial<OfficialText>): Partial<OfficialText> {
  return Object.fromEntries(Object.entries(text).filter(([, value]) => value !== undefined));
}

/** A single commune's change, as totals (the province's come from the uplift report). */
function totalsOfOne(row: UpliftRow): UpliftTotals {
  const sign = Math.sign(row.changeSeconds);
  return {
    airedSeconds: row.airedSeconds,
    baselineSeconds: row.baselineSeconds,
    changeSeconds: row.changeSeconds,
    changePercent: row.changePercent,
    communesUp: sign > 0 ? 1 : 0,
    communesDown: sign < 0 ? 1 : 0,
    communesUnchanged: sign === 0 ? 1 : 0,
  };
}

/**
 * Official reports (báo cáo theo Nghị định 30/2020/NĐ-CP): the numbers are the compliance and
 * uplift reports' own (the same ReportsService calls the JSON routes make), the words are the
 * defaults or a draft's.
 */
@Injectable()
export class OfficialReportsService {
  private fontDir: string | undefined;
  private coverage: GlyphCoverage | undefined;

  constructor(
    private readonly reports: ReportsService,
    private readonly campaigns: CampaignsService,
    private readonly topics: TopicsService,
    private readonly chains: ChainChecksService,
    private readonly geo: GeoService,
    private readonly db: Db,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The scope's province and commune, once the user is known to read it. */
  resolveScope(
    scope: OfficialScope,
    user: AuthUser,
    mode: 'read' | 'write' = 'read',
  ): { province: string; commune: string | null } {
    if ((scope.province === undefined) === (scope.commune === undefined)) {
      throw new DomainError('VALIDATION_FAILED', 'Give either province or commune');
    }
    if (scope.commune !== undefined) {
      const commune = this.geo.commune(scope.commune);
      if (!canAccessCommune(user, commune, mode)) {
        throw new DomainError('FORBIDDEN', `No ${mode} access to commune ${commune.code}`);
      }
      return { province: commune.provinceCode, commune: commune.code };
    }
    const province = this.geo.province(scope.province as string).code;
    if (!canAccessProvince(user, province)) {
      throw new DomainError('FORBIDDEN', `No access to province ${province}`);
    }
    return { province, commune: null };
  }

  /** The report's numbers, from the same calls as `GET /reports/compliance` and `/uplift`. */
  async numbers(scope: OfficialScope, user: AuthUser): Promise<OfficialNumbers> {
    const { province, commune } = this.resolveScope(scope, user);
    const range = { from: scope.from, to: scope.to };
    const campaign = await this.campaigns.forProvince(scope.campaign, province);
    const uplift = await this.reports.uplift(scope.campaign, province, range);
    let compliance;
    if (commune) {
      const detail = await this.reports.communeDetail(scope.campaign, commune, range);
      compliance = { ...detail, communes: [detail.summary] };
    } else {
      // A document that is issued states verified chains: verify those that grew (few, cheap).
      await this.chains.verifyStale(this.reports.communeCodesOf(province));
      compliance = await this.reports.compliance(scope.campaign, province, range);
    }
    const codes = compliance.communes.map((row) => row.communeCode);
    const upliftRows = uplift.rows.filter((row) => codes.includes(row.communeCode));
    const names = new Map((await this.topics.list()).map((topic) => [topic.code, topic.name]));
    return {
      scope: commune ? 'commune' : 'province',
      provinceCode: province,
      provinceName: this.geo.province(province).name,
      communeCode: commune,
      campaignCode: campaign.code,
      campaignName: campaign.name,
      from: compliance.from,
      to: compliance.to,
      days: compliance.days,
      minDailySeconds: compliance.minDailySeconds,
      baselineFrom: uplift.baselineFrom,
      baselineTo: uplift.baselineTo,
      targets: campaign.rules.map((rule) => {
        const row = compliance.rows.find((candidate) => candidate.topic === rule.topic);
        return {
          topic: rule.topic,
          topicName: names.get(rule.topic) ?? rule.topic,
          minSecondsPerWeek: rule.minSecondsPerWeek ?? 0,
          minPlaysPerWeek: rule.minPlaysPerWeek ?? 0,
          requiredSeconds: row?.requiredSeconds ?? 0,
          requiredPlays: row?.requiredPlays ?? 0,
        };
      }),
      communes: officialCommunes({
        rows: compliance.rows,
        communes: compliance.communes,
        uplift: upliftRows,
        heads: await this.chains.heads(codes),
      }),
      uplift: commune ? totalsOfOne(upliftRows[0]) : uplift.totals,
    };
  }

  async model(
    scope: OfficialScope,
    user: AuthUser,
    text?: OfficialText,
  ): Promise<OfficialReportModel> {
    const numbers = await this.numbers(scope, user);
    const communeName = numbers.communeCode ? this.geo.commune(numbers.communeCode).name : null;
    const words = text ?? defaultText(numbers, communeName);
    // Everything the PDF prints that people typed, once the user may read it: the names the
    // numbers carry, then the words (a draft's saved before its words were checked, or the
    // defaults, which hold the campaign's name).
    this.refuseUnprintable([
      ...unprintableNames(numbers, this.glyphs()),
      ...unprintableText(words, this.glyphs()),
    ]);
    return { numbers, text: words, issuedOn: localDateOf(this.clock.now()) };
  }

  async modelOfDraft(id: string, user: AuthUser): Promise<OfficialReportModel> {
    const draft = await this.draft(id);
    return this.model(this.scopeOf(draft), user, draft.text);
  }

  renderPdf(
    model: OfficialReportModel,
    beforeEnd?: (doc: PDFKit.PDFDocument) => void,
  ): Promise<Buffer> {
    return renderOfficialPdf(model, { fontDir: this.fonts(), beforeEnd });
  }

  private fonts(): string {
    this.fontDir ??= findFontDir(this.config.reports.fontDirs);
    return this.fontDir;
  }

  private glyphs(): GlyphCoverage {
    this.coverage ??= loadCoverage(this.fonts(), WORD_FONT_FILES);
    return this.coverage;
  }

  /** Refuses words the report's font cannot draw, before a draft of them is saved. */
  private assertPrintable(text: Partial<OfficialText>): void {
    this.refuseUnprintable(unprintableText(text, this.glyphs()));
  }

  /**
   * Refuses a new draft's words the report's font cannot draw. The words not given are the
   * starting ones, whose defaults hold the campaign's name (the subject, the opening) and the
   * commune's: when one of these names does not print, the refusal names it, names first as the
   * render does, with the given words' own problems, not the default field that holds it, which
   * the user never typed. A draft whose words print is saved whatever the names (its render is
   * refused until they are renamed).
   */
  private assertNewDraftPrintable(
    text: OfficialText,
    given: Partial<OfficialText>,
    names: StartingWords['names'],
  ): void {
    const inText = unprintableText(text, this.glyphs());
    if (inText.length === 0) return;
    const named = [
      ...unprintableNames(names, this.glyphs()),
      ...unprintableText(given, this.glyphs()),
    ];
    this.refuseUnprintable(named.length > 0 ? named : inText);
  }

  /**
   * Refuses what the report's font cannot draw (pdfkit would print it as nothing, silently, in
   * a signed document), naming each character and where it is.
   */
  private refuseUnprintable(unprintable: UnprintableText[]): void {
    if (unprintable.length === 0) return;
    throw new DomainError(
      'OFFICIAL_TEXT_UNPRINTABLE',
      `The report's font (Liberation Serif) cannot print ${unprintableSummary(unprintable)}; remove or replace them`,
      { unprintable },
    );
  }

  /**
   * The words a new draft of this report starts with: the defaults for its campaign and range,
   * with the standing words (the bodies, the place, the signer, the recipients) of the scope's
   * last changed draft over them, so that they are typed once, not for every report.
   */
  async startingText(scope: OfficialScope, user: AuthUser): Promise<OfficialText> {
    return (await this.starting(scope, user)).text;
  }

  /** The starting words (`startingText`), and the names their defaults hold. */
  private async starting(scope: OfficialScope, user: AuthUser): Promise<StartingWords> {
    const { province, commune } = this.resolveScope(scope, user);
    // The default words need the campaign and the range, not the report's numbers.
    const { campaign, range } = await this.reports.campaignAndRange(
      scope.campaign,
      province,
      scope,
    );
    const communeName = commune ? this.geo.commune(commune).name : null;
    const defaults = defaultText(
      { ...range, provinceName: this.geo.province(province).name, campaignName: campaign.name },
      communeName,
    );
    const names = {
      campaignName: campaign.name,
      targets: [],
      communes: commune && communeName ? [{ code: commune, name: communeName }] : [],
    };
    const last = await this.db.manager.findOne(OfficialReportDraft, {
      where: { provinceCode: province, communeCode: commune ?? IsNull() },
      order: { updatedAt: 'DESC' },
    });
    if (!last) return { text: defaults, names };
    const standing = Object.fromEntries(
      STANDING_WORDS.map((key) => [key, last.text[key]] as const),
    ) as Pick<OfficialText, (typeof STANDING_WORDS)[number]>;
    return { text: { ...defaults, ...standing }, names };
  }

  /** The drafts of one report (its campaign, scope and range, none = the campaign's), last changed first. */
  async listDrafts(scope: OfficialScope, user: AuthUser): Promise<OfficialDraftView[]> {
    const { province, commune } = this.resolveScope(scope, user);
    const drafts = await this.db.manager.find(OfficialReportDraft, {
      where: {
        campaignCode: scope.campaign,
        provinceCode: province,
        communeCode: commune ?? IsNull(),
        from: scope.from ?? IsNull(),
        to: scope.to ?? IsNull(),
      },
      order: { updatedAt: 'DESC' },
    });
    return drafts.map(draftView);
  }

  /** A new draft: the starting words (`startingText`) with the given ones over them. */
  async createDraft(
    scope: OfficialScope,
    text: Partial<OfficialText>,
    user: AuthUser,
  ): Promise<OfficialDraftView> {
    const { province, commune } = this.resolveScope(scope, user, 'write');
    const starting = await this.starting(scope, user);
    const given = givenWords(text);
    const now = this.clock.now();
    const draft: OfficialReportDraft = {
      id: randomUUID(),
      campaignCode: scope.campaign,
      provinceCode: province,
      communeCode: commune,
      from: scope.from ?? null,
      to: scope.to ?? null,
      text: { ...starting.text, ...given },
      createdBy: user.id,
      createdAt: now,
      updatedAt: now,
    };
    this.assertNewDraftPrintable(draft.text, given, starting.names);
    await this.db.write((manager) => manager.insert(OfficialReportDraft, draft));
    return draftView(draft);
  }

  async getDraft(id: string, user: AuthUser): Promise<OfficialDraftView> {
    const draft = await this.draft(id);
    this.resolveScope(this.scopeOf(draft), user);
    return draftView(draft);
  }

  async updateDraft(
    id: string,
    text: Partial<OfficialText>,
    user: AuthUser,
  ): Promise<OfficialDraftView> {
    return this.db.write(async (manager) => {
      const draft = await manager.findOneBy(OfficialReportDraft, { id });
      if (!draft) throw new DomainError('OFFICIAL_DRAFT_NOT_FOUND', `No draft ${id}`);
      this.resolveScope(this.scopeOf(draft), user, 'write');
      draft.text = { ...draft.text, ...givenWords(text) };
      this.assertPrintable(draft.text);
      draft.updatedAt = this.clock.now();
      await manager.save(draft);
      return draftView(draft);
    });
  }

  private async draft(id: string): Promise<OfficialReportDraft> {
    const draft = await this.db.manager.findOneBy(OfficialReportDraft, { id });
    if (!draft) throw new DomainError('OFFICIAL_DRAFT_NOT_FOUND', `No draft ${id}`);
    return draft;
  }

  private scopeOf(draft: OfficialReportDraft): OfficialScope {
    return {
      campaign: draft.campaignCode,
      ...(draft.communeCode ? { commune: draft.communeCode } : { province: draft.provinceCode }),
      from: draft.from ?? undefined,
      to: draft.to ?? undefined,
    };
  }
}

export { OfficialDraftView } from './official-draft.view';
