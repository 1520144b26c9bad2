import { z } from '@hono/zod-openapi';

export const defaultCategories = ['food', 'shelter', 'transport', 'childcare', 'medical', 'money', 'legal', 'other'] as const;
export const urgencies = ['low', 'normal', 'high', 'urgent'] as const;
export const needStatuses = ['open', 'claimed', 'fulfilled', 'withdrawn', 'expired'] as const;
export const viewerRoles = ['poster', 'claimer', 'coordinator', 'member'] as const;

export type Urgency = (typeof urgencies)[number];
export type NeedStatus = (typeof needStatuses)[number];
/** Who is looking at a need; decides what of it they see (policy.ts). */
export type NeedViewer = (typeof viewerRoles)[number];

/** Longest window a need or offer may span, and how far ahead it may start. */
export const maxWindowDays = 90;
export const maxLeadDays = 365;
/** The window when only a start (or nothing) is given. */
export const defaultWindowDays = 7;
export const maxRadiusKm = 50;

const text = (max: number) => z.string().trim().max(max, `At most ${max} characters`);
const latitude = z.number().min(-90, 'Between -90 and 90').max(90, 'Between -90 and 90').openapi({ description: 'Rounded to 2 decimals (about 1 km) before it is stored.', example: 51.52 });
const longitude = z.number().min(-180, 'Between -180 and 180').max(180, 'Between -180 and 180').openapi({ description: 'Rounded to 2 decimals (about 1 km) before it is stored.', example: -0.08 });
const instantText = z.iso.datetime({ offset: true, message: 'An ISO 8601 date and time, such as 2026-06-01T18:00:00Z' });
export const categoryName = z.string().trim().toLowerCase().regex(/^[a-z][a-z0-9-]{1,29}$/, '2–30 characters: a–z, 0–9 and -, starting with a letter');

const windowFields = {
  from: instantText.optional().openapi({ description: 'Start of the window; now when left out.' }),
  until: instantText.optional().openapi({ description: `End of the window; ${defaultWindowDays} days after the start when left out. At most ${maxWindowDays} days long.` }),
};

export const newNeedSchema = z
  .strictObject({
    category: categoryName.openapi({ description: "One of the network's categories (GET /groups/{slug}/aid)." }),
    description: text(500).min(1, 'Say briefly what is needed').openapi({ description: 'Shown to every member of the network: no address, name or contact here.' }),
    urgency: z.enum(urgencies).default('normal'),
    ...windowFields,
    lat: latitude,
    lon: longitude,
    place: text(500).optional().openapi({ description: 'Exact address. Encrypted; shown only to the poster and to the helper who takes the need.' }),
    contact: text(500).optional().openapi({ description: 'How to reach the poster (phone, Signal...). Encrypted; shown only to the poster and to the helper who takes the need.' }),
    email: z.email('A valid email address').max(254).optional().openapi({ description: 'For news of a claim and its outcome. Encrypted; shown only to the poster.' }),
  })
  .openapi('NewNeed');
export type NewNeed = z.input<typeof newNeedSchema>;

export const newOfferSchema = z
  .strictObject({
    category: categoryName,
    description: text(500).min(1, 'Say briefly what you can do'),
    ...windowFields,
    lat: latitude,
    lon: longitude,
    radiusKm: z.number().int('A whole number').min(1, `Between 1 and ${maxRadiusKm}`).max(maxRadiusKm, `Between 1 and ${maxRadiusKm}`).default(5).openapi({ description: 'How far from the area the helper will go.' }),
  })
  .openapi('NewOffer');
export type NewOffer = z.input<typeof newOfferSchema>;

export const networkChangesSchema = z
  .strictObject({
    categories: z.array(categoryName).min(1, 'At least one category').max(30, 'At most 30 categories').refine((list) => new Set(list).size === list.length, 'Each category once'),
  })
  .openapi('AidNetworkChanges');

export const claimSchema = z.strictObject({ offerId: z.string().max(100).optional().openapi({ description: 'The offer of yours this claim answers, if any.' }) }).openapi('NeedClaim');
export const assignSchema = z
  .strictObject({ helper: z.string().trim().toLowerCase().max(30).openapi({ description: 'Handle of a member of the network.' }), offerId: z.string().max(100).optional() })
  .openapi('NeedAssignment');

export const areaSchema = z.object({ lat: z.number(), lon: z.number() }).openapi('AidArea', { description: 'A coarse area: coordinates rounded to about 1 km.' });
export const personSchema = z.object({ handle: z.string(), displayName: z.string() }).openapi('AidPerson');

export const needSummarySchema = z
  .object({
    id: z.string(),
    network: z.string().openapi({ description: 'Slug of the network (group).' }),
    category: z.string(),
    description: z.string(),
    urgency: z.enum(urgencies),
    from: z.string(),
    until: z.string(),
    area: areaSchema,
    status: z.enum(needStatuses),
    createdAt: z.string(),
    updatedAt: z.string().openapi({ description: 'Changes on every claim, release and outcome: poll and compare.' }),
  })
  .openapi('NeedSummary');
export type NeedSummary = z.infer<typeof needSummarySchema>;

export const needDetailsSchema = z
  .object({ place: z.string().nullable(), contact: z.string().nullable(), email: z.string().nullable().openapi({ description: 'Only ever shown to the poster.' }) })
  .openapi('NeedDetails', { description: 'The private part of a need: for its poster, and for its helper while the need is claimed.' });

export const needSchema = needSummarySchema
  .extend({
    viewer: z.enum(viewerRoles).openapi({ description: 'How the caller sees this need.' }),
    helper: personSchema.nullable().openapi({ description: 'Who took it; shown to the poster, the helper and coordinators.' }),
    claimedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    details: needDetailsSchema.nullable(),
  })
  .openapi('Need');
export type Need = z.infer<typeof needSchema>;

export const postedNeedSchema = z
  .object({ need: needSchema, ticket: z.string().openapi({ description: 'The device ticket: keep it on the device. Send it as X-Blossom-Ticket to see and manage the need. Shown once (and again only to a retry with the same Idempotency-Key).' }) })
  .openapi('PostedNeed');
export type PostedNeed = z.infer<typeof postedNeedSchema>;

export const needMatchSchema = needSummarySchema
  .extend({ distanceKm: z.number(), offerId: z.string().openapi({ description: 'Your offer this need fits best.' }) })
  .openapi('NeedMatch');
export type NeedMatch = z.infer<typeof needMatchSchema>;

export const dispatchItemSchema = needSummarySchema
  .extend({ helper: personSchema.nullable(), claimedAt: z.string().nullable(), nearbyOffers: z.number().int().openapi({ description: 'Compatible open offers nearby (counted up to 20).' }) })
  .openapi('DispatchItem');
export type DispatchItem = z.infer<typeof dispatchItemSchema>;

export const offerSchema = z
  .object({
    id: z.string(),
    network: z.string(),
    category: z.string(),
    description: z.string(),
    from: z.string(),
    until: z.string(),
    area: areaSchema,
    radiusKm: z.number().int(),
    helper: personSchema.nullable().openapi({ description: 'Shown to members of the network; null for a poster outside it.' }),
    mine: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('Offer');
export type Offer = z.infer<typeof offerSchema>;

export const offerMatchSchema = offerSchema.extend({ distanceKm: z.number() }).openapi('OfferMatch');
export type OfferMatch = z.infer<typeof offerMatchSchema>;

export const aidNetworkSchema = z
  .object({
    slug: z.string(),
    name: z.string(),
    categories: z.array(z.string()),
    urgencies: z.array(z.enum(urgencies)),
    retentionDays: z.number().int().openapi({ description: 'Days personal details are kept after a need closes.' }),
    tiles: z
      .object({ url: z.string(), attribution: z.string() })
      .nullable()
      .openapi({ description: 'Map tile source configured by the operator; null means draw the map without pictures.' }),
    viewer: z.object({ role: z.enum(['member', 'coordinator']).nullable(), canPost: z.boolean(), canHelp: z.boolean() }),
  })
  .openapi('AidNetwork');
export type AidNetwork = z.infer<typeof aidNetworkSchema>;

export const countSchema = z
  .object({ category: z.string(), month: z.string().openapi({ example: '2026-06' }), outcome: z.enum(['fulfilled', 'withdrawn', 'expired', 'removed']), count: z.number().int() })
  .openapi('AidCount');

export const myAidSchema = z
  .object({ offers: z.array(offerSchema), claims: z.array(needSchema), posted: z.array(needSchema) })
  .openapi('MyAid');
export type MyAid = z.infer<typeof myAidSchema>;

export const listQuerySchema = z.object({
  category: categoryName.optional(),
  lat: z.coerce.number().min(-90, 'Between -90 and 90').max(90, 'Between -90 and 90').optional().openapi({ description: 'With lon: nearest first, within km.' }),
  lon: z.coerce.number().min(-180, 'Between -180 and 180').max(180, 'Between -180 and 180').optional(),
  km: z.coerce.number().min(1, 'Between 1 and 200').max(200, 'Between 1 and 200').default(25),
  limit: z.coerce.number().int().min(1, 'Between 1 and 500').max(500, 'Between 1 and 500').default(200),
});
export type ListQuery = z.output<typeof listQuerySchema>;

export const matchQuerySchema = z.object({ limit: z.coerce.number().int().min(1, 'Between 1 and 50').max(50, 'Between 1 and 50').default(20) });
