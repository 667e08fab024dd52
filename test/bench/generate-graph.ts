/**
 * Realistic, deterministic `.dg` graphs of any size, for benchmarks (parser, `dg check`, LSP latency,
 * completion) and as seeds for robustness tests.
 *
 *   generateGraph({ targetBytes: 1 << 20, seed: 7 })       // ≈1 MiB of valid Data Graph text
 *   generateGraphWithStats({ targetBytes: 100_000 })       // the text plus counts (entities, depth, …)
 *   editSite(text)                                         // where to type one character (a `name` value)
 *
 * The output is valid per /work/shared/spec/LANGUAGE.md §1–2 and should raise no diagnostics: one
 * `data_graph` with `version = "v1.0.0"`, entities (unique lowercase slugs and names, three-part
 * `table_ref`, `primary_key`, some `description`s and `enrichment_enabled`), then one
 * `profile { profile_folder, type = "segment:materialized" }` whose level-1 relationships use `external_id`
 * or `trait` and whose nested relationships (up to 5 nested levels, i.e. 6 counting the profile) use
 * `join_on = "<parent-slug>.<col> = <child-slug>.<col>"` or a `junction_table`. Relationship slugs are unique
 * across the graph; every related entity exists; every entity is related or `enrichment_enabled`.
 * `#`, `//` and `/* … *\/` comments, string escapes and some non-ASCII text are sprinkled in.
 *
 * Size is reached by appending "clusters" (a few new entities plus one level-1 relationship tree over them)
 * until the UTF-8 size reaches `targetBytes`; it overshoots by at most one cluster (a few KB).
 * Same options → same text (a small seeded PRNG, no dependencies, no Node APIs).
 */

export interface GenerateGraphOptions {
  /** Stop adding clusters once the UTF-8 size reaches this many bytes. */
  targetBytes: number;
  /** PRNG seed; the default is 1. */
  seed?: number;
}

export interface GraphStats {
  /** UTF-8 size of the text. */
  bytes: number;
  entities: number;
  relationships: number;
  /** Deepest level reached, counting the profile as level 1 (at most 6). */
  maxLevel: number;
  /** Relationships using a `junction_table`. */
  junctions: number;
  comments: number;
}

export interface GeneratedGraph {
  text: string;
  stats: GraphStats;
  /** Entity slugs, in file order. */
  entitySlugs: string[];
  /** Relationship slugs, in file order. */
  relationshipSlugs: string[];
}

/** The spec's depth limit: 6 levels counting the profile, so relationships live on levels 2..6. */
export const MAX_RELATIONSHIP_DEPTH = 5;

export function generateGraph(options: GenerateGraphOptions): string {
  return generateGraphWithStats(options).text;
}

/** A mulberry32 PRNG: tiny, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** UTF-8 length of a JS string without Node's Buffer (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

// --- vocabulary -------------------------------------------------------------------------------------

const NOUNS = [
  'accounts', 'carts', 'cart_items', 'orders', 'order_items', 'products', 'product_variants', 'stores',
  'subscriptions', 'invoices', 'payments', 'households', 'vehicles', 'loyalty_cards', 'tickets',
  'support_cases', 'devices', 'locations', 'campaigns', 'coupons', 'shipments', 'returns', 'reviews',
  'wishlists', 'memberships', 'contracts', 'policies', 'claims', 'agents', 'branches', 'loans', 'cards',
  'transactions', 'merchants', 'bookings', 'flights', 'hotels', 'courses', 'enrollments', 'classrooms',
  'patients', 'appointments', 'prescriptions', 'plans', 'usage_events', 'workspaces', 'seats', 'licenses',
] as const;

const DATABASES = ['ANALYTICS', 'PROD_DW', 'WAREHOUSE', 'CUSTOMER_360', 'RAW'];
const SCHEMAS = ['PUBLIC', 'SALES', 'CRM', 'BILLING', 'PRODUCT', 'SUPPORT', 'FINANCE', 'OPS'];
const IDENTITY_TYPES = ['user_id', 'email', 'anonymous_id', 'phone', 'android.id', 'ios.id'];
const TRAITS = ['account_id', 'customer_id', 'household_id', 'crm_id', 'loyalty_number', 'member_id'];

const DESCRIPTIONS = [
  'Synced nightly from the CRM',
  'One row per customer-facing record; soft-deleted rows are filtered by the view',
  'Owned by the data platform team — ask in #data-platform before changing',
  'Café and résumé data from the EU region (GDPR-scoped)',
  'Source of truth for billing; see \\"Billing FAQ\\" in Confluence',
  'Rebuilt by dbt model stg_orders\\nIncremental, 15 minute lag',
  'Includes test accounts\\tfiltered downstream',
  'Data for the \\u00e9t\\u00e9 campaign 🌞',
  'Materialized view over the raw events; refreshed hourly',
  'Joined on the natural key, not the surrogate key',
];

const LINE_COMMENTS = [
  'TODO: confirm the primary key with the data team',
  'keep in sync with the dbt project',
  'added for the spring campaign',
  'Linked Events needs enrichment on this one',
  'see JIRA DATA-1234',
  'PII: email addresses — do not enrich',
  'owner: growth@example.com',
];

// --- model ------------------------------------------------------------------------------------------

interface Entity {
  slug: string;
  name: string;
  noun: string;
  table: string;
  pk: string;
}

interface Relationship {
  slug: string;
  name: string;
  entity: Entity;
  /** 1 = child of the profile (level 2 counting the profile). */
  depth: number;
  children: Relationship[];
}

function title(noun: string): string {
  return noun
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

/** `order_items` → `ORDER_ITEM` (for `ORDER_ITEM_ID` columns). */
function singularUpper(noun: string): string {
  const s = noun.endsWith('ies') ? noun.slice(0, -3) + 'y' : noun.endsWith('s') ? noun.slice(0, -1) : noun;
  return s.toUpperCase();
}

class Generator {
  private readonly rand: () => number;
  private readonly entities: Entity[] = [];
  private readonly entityText: string[] = [];
  private readonly relText: string[] = [];
  private readonly relSlugs: string[] = [];
  private readonly relNames = new Set<string>();
  private bytes = 0;
  private relCount = 0;
  private maxDepth = 0;
  private junctions = 0;
  private comments = 0;

  constructor(seed: number) {
    this.rand = prng(seed);
  }

  private int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  private chance(p: number): boolean {
    return this.rand() < p;
  }
  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  private push(out: string[], s: string): void {
    out.push(s);
    this.bytes += utf8Length(s);
  }

  private lineComment(indent: string): string {
    this.comments++;
    return `${indent}${this.chance(0.5) ? '#' : '//'} ${this.pick(LINE_COMMENTS)}\n`;
  }

  private blockComment(indent: string): string {
    this.comments++;
    if (this.chance(0.5)) return `${indent}/* ${this.pick(LINE_COMMENTS)} */\n`;
    return `${indent}/*\n${indent} * ${this.pick(LINE_COMMENTS)}\n${indent} * ${this.pick(DESCRIPTIONS).replace(/\\./g, '')}\n${indent} */\n`;
  }

  private trailing(): string {
    if (!this.chance(0.04)) return '';
    this.comments++;
    return `  ${this.chance(0.5) ? '#' : '//'} ${this.pick(LINE_COMMENTS)}`;
  }

  /** Attributes as `key = value` lines, `=` aligned (as in Segment's examples) or not. */
  private attrs(indent: string, pairs: Array<[string, string]>): string {
    const align = this.chance(0.7);
    const width = align ? Math.max(...pairs.map(([k]) => k.length)) : 0;
    return pairs.map(([k, v]) => `${indent}${k.padEnd(width)} = ${v}${this.trailing()}\n`).join('');
  }

  private newEntity(enrich: boolean): Entity {
    const noun = this.pick(NOUNS);
    const n = this.entities.length + 1;
    const sep = this.chance(0.5) ? '_' : '-';
    const slug = `${noun.replace(/_/g, sep)}${sep}${n}`;
    const table = `${this.pick(DATABASES)}.${this.pick(SCHEMAS)}.${noun.toUpperCase()}_${n}`;
    const pk = this.chance(0.5) ? 'ID' : `${singularUpper(noun)}_ID`;
    const entity: Entity = { slug, name: `${title(noun)} ${n}`, noun, table, pk };
    this.entities.push(entity);

    let s = '';
    if (this.chance(0.08)) s += this.lineComment('  ');
    if (this.chance(0.03)) s += this.blockComment('  ');
    const pairs: Array<[string, string]> = [['name', `"${entity.name}"`]];
    if (this.chance(0.35)) pairs.push(['description', `"${this.pick(DESCRIPTIONS)}"`]);
    pairs.push(['table_ref', `"${table}"`], ['primary_key', `"${pk}"`]);
    if (enrich || this.chance(0.25)) pairs.push(['enrichment_enabled', enrich || this.chance(0.7) ? 'true' : 'false']);
    s += `  entity "${slug}" {\n${this.attrs('    ', pairs)}  }\n\n`;
    this.push(this.entityText, s);
    return entity;
  }

  private newRelationship(entity: Entity, depth: number): Relationship {
    this.relCount++;
    const slug = `${entity.noun.replace(/_/g, '-')}-rel-${this.relCount}`;
    // Names unique graph-wide, so sibling names never repeat (DG206).
    let name = title(entity.noun);
    if (this.relNames.has(name) || this.chance(0.5)) name = `${name} ${this.relCount}`;
    this.relNames.add(name);
    this.maxDepth = Math.max(this.maxDepth, depth);
    return { slug, name, entity, depth, children: [] };
  }

  /** One level-1 relationship tree over a few new entities (sometimes reusing earlier ones). */
  private cluster(): void {
    const previous = this.entities.length;
    const fresh = Array.from({ length: 2 + this.int(6) }, () => this.newEntity(false));
    // An entity only for Linked Events, related by nothing.
    if (this.chance(0.1)) this.newEntity(true);

    const root = this.newRelationship(fresh[0] as Entity, 1);
    const all: Relationship[] = [root];
    // A chain to the depth limit in some clusters, so the deepest levels are exercised.
    let chainTip = this.chance(0.3) ? root : undefined;
    for (const entity of fresh.slice(1)) {
      let parent: Relationship;
      if (chainTip && chainTip.depth < MAX_RELATIONSHIP_DEPTH) parent = chainTip;
      else {
        const open = all.filter((r) => r.depth < MAX_RELATIONSHIP_DEPTH);
        parent = this.pick(open);
      }
      const child = this.newRelationship(entity, parent.depth + 1);
      parent.children.push(child);
      all.push(child);
      if (chainTip) chainTip = child;
    }
    // The same entity related a second time, from elsewhere in the tree.
    if (previous > 0 && this.chance(0.3)) {
      const open = all.filter((r) => r.depth < MAX_RELATIONSHIP_DEPTH);
      const parent = this.pick(open);
      const reused = this.entities[this.int(previous)] as Entity;
      parent.children.push(this.newRelationship(reused, parent.depth + 1));
    }
    this.push(this.relText, this.relationship(root, undefined) + '\n');
  }

  private relationship(rel: Relationship, parent: Entity | undefined): string {
    this.relSlugs.push(rel.slug);
    const indent = '  '.repeat(rel.depth + 1);
    const inner = indent + '  ';
    let s = '';
    if (this.chance(0.05)) s += this.lineComment(indent);
    if (this.chance(0.02)) s += this.blockComment(indent);
    s += `${indent}relationship "${rel.slug}" {\n`;
    const pairs: Array<[string, string]> = [
      ['name', `"${rel.name}"`],
      ['related_entity', `"${rel.entity.slug}"`],
    ];
    if (this.chance(0.2)) pairs.push(['description', `"${this.pick(DESCRIPTIONS)}"`]);
    const child = rel.entity;
    if (!parent) {
      s += this.attrs(inner, pairs);
      if (this.chance(0.6)) {
        const type = this.pick(IDENTITY_TYPES);
        const key = type === 'email' ? 'EMAIL' : type === 'phone' ? 'PHONE_NUMBER' : type.replace('.', '_').toUpperCase();
        s += `${inner}external_id {\n${this.attrs(inner + '  ', [['type', `"${type}"`], ['join_key', `"${key}"`]])}${inner}}\n`;
      } else {
        const trait = this.pick(TRAITS);
        s += `${inner}trait {\n${this.attrs(inner + '  ', [['name', `"${trait}"`], ['join_key', `"${trait.toUpperCase()}"`]])}${inner}}\n`;
      }
    } else if (this.chance(0.15)) {
      this.junctions++;
      s += this.attrs(inner, pairs);
      const left = `${singularUpper(parent.noun)}_ID`;
      let right = `${singularUpper(child.noun)}_ID`;
      if (right === left) right = `RELATED_${right}`;
      const table = `${this.pick(DATABASES)}.${this.pick(SCHEMAS)}.${singularUpper(parent.noun)}_${child.noun.toUpperCase()}_MAP`;
      s +=
        `${inner}junction_table {\n` +
        this.attrs(inner + '  ', [
          ['table_ref', `"${table}"`],
          ['primary_key', '"ID"'],
          ['left_join_on', `"${parent.slug}.${parent.pk} = ${left}"`],
          ['right_join_on', `"${right} = ${child.slug}.${child.pk}"`],
        ]) +
        `${inner}}\n`;
    } else {
      pairs.push(['join_on', `"${parent.slug}.${parent.pk} = ${child.slug}.${singularUpper(parent.noun)}_ID"`]);
      s += this.attrs(inner, pairs);
    }
    for (const c of rel.children) s += this.relationship(c, rel.entity);
    return s + `${indent}}\n`;
  }

  run(targetBytes: number): GeneratedGraph {
    const head =
      '# Data Graph generated by test/bench/generate-graph.ts\n' +
      '// Realistic shape, synthetic names.\n' +
      'data_graph {\n  version = "v1.0.0"\n\n';
    const profileHead =
      '  /* The Segment profile, read from Profiles Sync. */\n' +
      '  profile {\n' +
      '    profile_folder = "ANALYTICS.SEGMENT_PROFILES"\n' +
      '    type           = "segment:materialized"\n\n';
    const tail = '  }\n}\n';
    this.comments += 3;
    this.bytes = utf8Length(head) + utf8Length(profileHead) + utf8Length(tail);
    do this.cluster();
    while (this.bytes < targetBytes);

    const text = head + this.entityText.join('') + profileHead + this.relText.join('') + tail;
    return {
      text,
      stats: {
        bytes: this.bytes,
        entities: this.entities.length,
        relationships: this.relCount,
        maxLevel: this.maxDepth + 1,
        junctions: this.junctions,
        comments: this.comments,
      },
      entitySlugs: this.entities.map((e) => e.slug),
      relationshipSlugs: this.relSlugs,
    };
  }
}

/** Like `generateGraph`, plus counts and the slugs (for benchmarks that need names to complete or look up). */
export function generateGraphWithStats(options: GenerateGraphOptions): GeneratedGraph {
  return new Generator(options.seed ?? 1).run(options.targetBytes);
}

/** A position in a JS string: `index` and `column` in UTF-16 code units, as tree-sitter's JS APIs use. */
export interface EditSite {
  index: number;
  row: number;
  column: number;
}

/**
 * Where to type one character: the middle of the first `name = "…"` value (at least two characters)
 * starting at or after `fraction` of the text (default: the middle of the file). Inserting or deleting
 * a letter there keeps the file valid, so incremental re-parse benchmarks measure the common case.
 */
export function editSite(text: string, fraction = 0.5): EditSite {
  const re = /\bname\s*=\s*"([^"\\\r\n]{2,})"/g;
  re.lastIndex = Math.floor(text.length * Math.min(Math.max(fraction, 0), 1));
  const m = re.exec(text) ?? (((re.lastIndex = 0), re.exec(text)) as RegExpExecArray | null);
  if (!m) throw new Error('editSite: no name = "…" value in the text');
  const valueStart = m.index + m[0].length - 1 - (m[1] as string).length;
  const index = valueStart + Math.floor((m[1] as string).length / 2);
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { index, row, column: index - lineStart };
}
