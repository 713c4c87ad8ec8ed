import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodPipe, zodBody } from '#core';
import { type Actor, AGENCY_KINDS, AgencyService } from '#domain';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { ApiProblems, ApiZodBody, ApiZodCreated, ApiZodOk } from '../common/openapi.js';
import { shortText, uuid } from '../common/schemas.js';
import { Agency, AgencyList } from './agencies.responses.js';

const timezone = z.string().max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone, e.g. Europe/Amsterdam');

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM, e.g. 08:00');
/** `"always"`, or days and local opening hours (`from` before `to`); CONTRACT §2. */
export const DeliveryHoursSchema = z.union([
  z.literal('always'),
  z
    .object({ days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1).max(7), from: hhmm, to: hhmm })
    .strict()
    .refine((h) => h.from < h.to, { message: 'from must be before to', path: ['to'] }),
]);

export const CreateAgency = z
  .object({
    name: shortText(200),
    kind: z.enum(AGENCY_KINDS),
    email: z.email().max(254).optional(),
    webhookUrl: z.url({ protocol: /^https?$/ }).max(2000).optional(),
    webhookSecret: z.string().min(16, 'at least 16 characters').max(200).optional(),
    locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a locale such as en, nl or nl-BE').optional(),
    timezone: timezone.optional(),
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code, e.g. NL').optional(),
    deliveryHours: DeliveryHoursSchema.optional(),
  })
  .strict();

const c = CreateAgency.shape;
/** Any field of the create body (`null` clears email, webhook URL, secret or delivery hours), and `active`. */
export const UpdateAgency = z
  .object({
    name: c.name.optional(),
    kind: c.kind.optional(),
    email: c.email.unwrap().nullable().optional(),
    webhookUrl: c.webhookUrl.unwrap().nullable().optional(),
    webhookSecret: c.webhookSecret.unwrap().nullable().optional(),
    locale: c.locale,
    timezone: c.timezone,
    country: c.country,
    deliveryHours: c.deliveryHours.unwrap().nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict();

@ApiTags('agencies')
@ApiBearerAuth()
@Controller('api/agencies')
export class AgenciesController {
  constructor(private readonly agencies: AgencyService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create an agency (administrators). Private and loopback webhook URLs are allowed.' })
  @ApiZodBody(CreateAgency)
  @ApiZodCreated(Agency, { description: 'The agency; the webhook secret is never returned' })
  @ApiProblems(400, 401, 403, 409)
  create(@Body(zodBody(CreateAgency)) body: z.infer<typeof CreateAgency>, @CurrentActor() actor: Actor) {
    return this.agencies.create(actor, body);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change an agency (administrators)',
    description:
      'A new `webhookSecret` signs deliveries from then on; for 24 hours after the change `X-Convene-Signature` carries ' +
      '`sha256=<new>,sha256=<old>`. An inactive agency (`active: false`) gets no deliveries (recorded as skipped) and cannot join new cases (422).',
  })
  @ApiZodBody(UpdateAgency)
  @ApiZodOk(Agency, { description: 'The agency; the webhook secret is never returned' })
  @ApiProblems(400, 401, 403, 404, 409)
  update(
    @Param('id', new ZodPipe(uuid, 'Agency id')) id: string,
    @Body(zodBody(UpdateAgency)) body: z.infer<typeof UpdateAgency>,
    @CurrentActor() actor: Actor,
  ) {
    return this.agencies.update(actor, id, body);
  }

  @Get()
  @ApiOperation({ summary: 'List the agencies of the partnership' })
  @ApiZodOk(AgencyList, { description: '`{items: [...]}`' })
  @ApiProblems(401)
  async list() {
    return { items: await this.agencies.list() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One agency' })
  @ApiZodOk(Agency)
  @ApiProblems(401, 404)
  get(@Param('id', new ZodPipe(uuid, 'Agency id')) id: string) {
    return this.agencies.get(id);
  }
}
