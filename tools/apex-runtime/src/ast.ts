/**
 * Front end: parses Apex with @apexdevtools/apex-parser (ANTLR 4) and lowers the parse tree to
 * a small AST the interpreter walks. Identifiers are kept in their written spelling plus a
 * lower-case key (Apex names are case-insensitive).
 */
import { ApexErrorListener, ApexParserFactory } from '@apexdevtools/apex-parser';
import { ADecimal } from './values';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Ctx = any;

export interface Pos {
  line: number;
  col: number;
}

export interface TypeRef {
  name: string; // written, dotted (e.g. "Database.SaveResult")
  key: string; // lower-case
  args: TypeRef[];
  array: number; // Foo[] counts as List<Foo>
}

export type Expr = Pos &
  (
    | { k: 'lit'; v: unknown }
    | { k: 'name'; id: string; key: string }
    | { k: 'dot'; obj: Expr; id: string; key: string; safe: boolean }
    | { k: 'call'; obj: Expr | null; id: string; key: string; args: Expr[]; safe: boolean }
    | { k: 'this' }
    | { k: 'super' }
    | { k: 'idx'; obj: Expr; index: Expr }
    | { k: 'new'; type: TypeRef; args: Expr[] }
    | { k: 'newArr'; type: TypeRef; size: Expr | null; init: Expr[] | null }
    | { k: 'newMap'; type: TypeRef; pairs: [Expr, Expr][] }
    | { k: 'newColl'; type: TypeRef; items: Expr[] }
    | { k: 'cast'; type: TypeRef; e: Expr }
    | { k: 'un'; op: string; e: Expr }
    | { k: 'inc'; op: string; prefix: boolean; e: Expr }
    | { k: 'bin'; op: string; l: Expr; r: Expr }
    | { k: 'cond'; c: Expr; a: Expr; b: Expr }
    | { k: 'inst'; e: Expr; type: TypeRef }
    | { k: 'asg'; op: string; target: Expr; e: Expr }
    | { k: 'soql'; q: Query }
    | { k: 'typelit'; type: TypeRef }
  );

export type Stmt = Pos &
  (
    | { k: 'block'; body: Stmt[] }
    | { k: 'local'; type: TypeRef; decls: { id: string; key: string; init: Expr | null }[] }
    | { k: 'expr'; e: Expr }
    | { k: 'if'; c: Expr; a: Stmt; b: Stmt | null }
    | {
        k: 'switch';
        e: Expr;
        whens: { values: Expr[] | null; type?: TypeRef; bind?: string; body: Stmt }[];
      }
    | { k: 'for'; init: Stmt[]; c: Expr | null; update: Expr[]; body: Stmt | null }
    | { k: 'foreach'; type: TypeRef; id: string; key: string; e: Expr; body: Stmt | null }
    | { k: 'while'; c: Expr; body: Stmt | null }
    | { k: 'do'; c: Expr; body: Stmt }
    | {
        k: 'try';
        body: Stmt;
        catches: { type: TypeRef; id: string; key: string; body: Stmt }[];
        fin: Stmt | null;
      }
    | { k: 'return'; e: Expr | null }
    | { k: 'throw'; e: Expr }
    | { k: 'break' }
    | { k: 'continue' }
    | { k: 'dml'; op: string; e: Expr; ext: string | null; mode: string | null }
    | { k: 'merge'; a: Expr; b: Expr }
    | { k: 'runas'; args: Expr[]; body: Stmt }
  );

export interface Annotation {
  name: string; // lower-case
  params: Record<string, unknown>;
}

export interface Modifiers {
  set: Set<string>; // lower-case modifiers (public, static, virtual, ...)
  annotations: Annotation[];
}

export interface Param {
  type: TypeRef;
  id: string;
  key: string;
}

export interface MethodDecl extends Pos {
  name: string;
  key: string;
  mods: Modifiers;
  ret: TypeRef | null; // null = void
  params: Param[];
  body: Stmt | null;
}

export interface FieldDecl extends Pos {
  type: TypeRef;
  name: string;
  key: string;
  mods: Modifiers;
  init: Expr | null;
  prop?: {
    get: { body: Stmt | null; mods: Modifiers } | null;
    set: { body: Stmt | null; mods: Modifiers } | null;
  };
}

export interface TypeDecl extends Pos {
  kind: 'class' | 'interface' | 'enum' | 'trigger';
  name: string;
  key: string;
  mods: Modifiers;
  ext: TypeRef | null;
  impl: TypeRef[];
  fields: FieldDecl[];
  methods: MethodDecl[];
  ctors: MethodDecl[];
  inner: TypeDecl[];
  /** Instance initialisation in source order: field initialisers and `{ }` blocks. */
  instInit: ({ field: FieldDecl } | { block: Stmt })[];
  staticInit: ({ field: FieldDecl } | { block: Stmt })[];
  enumValues: string[];
  file: string;
  trigger?: { object: string; events: string[]; body: Stmt };
  /** Lines that hold an executable statement (for coverage). */
  lines: Set<number>;
}

// ---------------------------------------------------------------- SOQL

export type SoqlValue =
  | { k: 'lit'; v: unknown }
  | { k: 'bind'; e: Expr }
  | { k: 'list'; items: SoqlValue[] }
  | { k: 'date'; name: string; n: number }
  | { k: 'sub'; q: Query };

export interface SoqlFn {
  fn: string; // lower-case: count, sum, max, min, avg, count_distinct, calendar_year, ...
  path: string[] | null;
  inner?: SoqlFn;
}

export type SoqlCond =
  | { k: 'and' | 'or'; items: SoqlCond[] }
  | { k: 'not'; c: SoqlCond }
  | { k: 'cmp'; path: string[] | null; fn: SoqlFn | null; op: string; v: SoqlValue };

export interface SelectItem {
  path?: string[];
  fn?: SoqlFn;
  alias?: string;
  sub?: Query;
  typeof?: boolean;
}

export interface Query extends Pos {
  select: SelectItem[];
  from: string;
  fromAlias?: string;
  where: SoqlCond | null;
  withMode: string | null;
  groupBy: (string[] | SoqlFn)[] | null;
  having: SoqlCond | null;
  orderBy: {
    path: string[] | null;
    fn: SoqlFn | null;
    desc: boolean;
    nulls: 'first' | 'last' | null;
  }[];
  limit: SoqlValue | null;
  offset: SoqlValue | null;
  allRows: boolean;
  forUpdate: boolean;
  text: string;
}

export class ParseError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number
  ) {
    super(`${file}:${line}: ${message}`);
  }
}

// ---------------------------------------------------------------- helpers

function name(ctx: Ctx): string {
  return ctx?.constructor?.name ?? '';
}
function pos(ctx: Ctx): Pos {
  return { line: ctx.start?.line ?? 0, col: (ctx.start?.column ?? 0) + 1 };
}
function kids(ctx: Ctx): Ctx[] {
  return (ctx?.children as Ctx[] | undefined) ?? [];
}
function kid(ctx: Ctx, type: string): Ctx | undefined {
  return kids(ctx).find((c) => name(c) === type);
}
function kidsOf(ctx: Ctx, type: string): Ctx[] {
  return kids(ctx).filter((c) => name(c) === type);
}
function isTerm(ctx: Ctx): boolean {
  return ctx && ctx.symbol !== undefined;
}
function termText(ctx: Ctx): string {
  return ctx.symbol?.text ?? ctx.getText();
}
function text(ctx: Ctx): string {
  return ctx.getText();
}

export function unescapeApexString(raw: string): string {
  const body = raw.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    switch (n) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u':
        out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
        i += 4;
        break;
      default:
        out += n ?? '';
    }
  }
  return out;
}

// ---------------------------------------------------------------- lowering

class Lower {
  lines = new Set<number>();
  constructor(readonly file: string) {}

  fail(ctx: Ctx, what: string): never {
    throw new ParseError(`unsupported syntax: ${what}`, this.file, pos(ctx).line);
  }

  typeRef(ctx: Ctx): TypeRef {
    // typeRef: typeName (DOT typeName)* arraySubscripts
    const names = kidsOf(ctx, 'TypeNameContext');
    const parts: string[] = [];
    let args: TypeRef[] = [];
    for (const tn of names) {
      const first = kids(tn)[0];
      parts.push(isTerm(first) ? termText(first) : text(first));
      const ta = kid(tn, 'TypeArgumentsContext');
      if (ta)
        args = kidsOf(kid(ta, 'TypeListContext'), 'TypeRefContext').map((t) => this.typeRef(t));
    }
    const subs = kid(ctx, 'ArraySubscriptsContext');
    const array = subs ? kids(subs).filter((c) => termText(c) === '[').length : 0;
    let t: TypeRef = { name: parts.join('.'), key: parts.join('.').toLowerCase(), args, array: 0 };
    for (let i = 0; i < array; i++) t = { name: 'List', key: 'list', args: [t], array: 0 };
    return t;
  }

  modifiers(list: Ctx[]): Modifiers {
    const set = new Set<string>();
    const annotations: Annotation[] = [];
    for (const m of list) {
      const ann = kid(m, 'AnnotationContext');
      if (ann) {
        const params: Record<string, unknown> = {};
        const pairs = kid(ann, 'ElementValuePairsContext');
        if (pairs) {
          for (const p of kidsOf(pairs, 'ElementValuePairContext')) {
            params[text(kid(p, 'IdContext')).toLowerCase()] = text(kid(p, 'ElementValueContext'));
          }
        }
        const idc = kid(ann, 'IdContext') ?? kid(ann, 'QualifiedNameContext');
        annotations.push({ name: text(idc).toLowerCase(), params });
      } else {
        for (const k of kids(m)) set.add(termText(k).toLowerCase());
      }
    }
    return { set, annotations };
  }

  compilationUnit(ctx: Ctx): TypeDecl {
    const td = kid(ctx, 'TypeDeclarationContext');
    return this.typeDecl(td, this.modifiers(kidsOf(td, 'ModifierContext')));
  }

  typeDecl(td: Ctx, mods: Modifiers): TypeDecl {
    const cls = kid(td, 'ClassDeclarationContext');
    const iface = kid(td, 'InterfaceDeclarationContext');
    const en = kid(td, 'EnumDeclarationContext');
    if (cls) return this.classDecl(cls, mods);
    if (iface) return this.interfaceDecl(iface, mods);
    if (en) return this.enumDecl(en, mods);
    return this.fail(td, 'type declaration');
  }

  emptyType(ctx: Ctx, kind: TypeDecl['kind'], nm: string, mods: Modifiers): TypeDecl {
    return {
      ...pos(ctx),
      kind,
      name: nm,
      key: nm.toLowerCase(),
      mods,
      ext: null,
      impl: [],
      fields: [],
      methods: [],
      ctors: [],
      inner: [],
      instInit: [],
      staticInit: [],
      enumValues: [],
      file: this.file,
      lines: this.lines
    };
  }

  enumDecl(ctx: Ctx, mods: Modifiers): TypeDecl {
    const t = this.emptyType(ctx, 'enum', text(kid(ctx, 'IdContext')), mods);
    const consts = kid(ctx, 'EnumConstantsContext');
    if (consts) t.enumValues = kidsOf(consts, 'IdContext').map((c) => text(c));
    return t;
  }

  interfaceDecl(ctx: Ctx, mods: Modifiers): TypeDecl {
    const t = this.emptyType(ctx, 'interface', text(kid(ctx, 'IdContext')), mods);
    const tl = kid(ctx, 'TypeListContext');
    if (tl) t.impl = kidsOf(tl, 'TypeRefContext').map((x) => this.typeRef(x));
    for (const m of kidsOf(kid(ctx, 'InterfaceBodyContext'), 'InterfaceMethodDeclarationContext')) {
      const tr = kid(m, 'TypeRefContext');
      const nm = text(kid(m, 'IdContext'));
      t.methods.push({
        ...pos(m),
        name: nm,
        key: nm.toLowerCase(),
        mods: this.modifiers(kidsOf(m, 'ModifierContext')),
        ret: tr ? this.typeRef(tr) : null,
        params: this.params(kid(m, 'FormalParametersContext')),
        body: null
      });
    }
    return t;
  }

  params(ctx: Ctx): Param[] {
    const list = kid(ctx, 'FormalParameterListContext');
    if (!list) return [];
    return kidsOf(list, 'FormalParameterContext').map((p) => {
      const id = text(kid(p, 'IdContext'));
      return { type: this.typeRef(kid(p, 'TypeRefContext')), id, key: id.toLowerCase() };
    });
  }

  classDecl(ctx: Ctx, mods: Modifiers): TypeDecl {
    const t = this.emptyType(ctx, 'class', text(kid(ctx, 'IdContext')), mods);
    const tr = kid(ctx, 'TypeRefContext');
    if (tr) t.ext = this.typeRef(tr);
    const tl = kid(ctx, 'TypeListContext');
    if (tl) t.impl = kidsOf(tl, 'TypeRefContext').map((x) => this.typeRef(x));
    for (const d of kidsOf(kid(ctx, 'ClassBodyContext'), 'ClassBodyDeclarationContext')) {
      this.member(t, d);
    }
    return t;
  }

  member(t: TypeDecl, d: Ctx): void {
    const block = kid(d, 'BlockContext');
    if (block) {
      const isStatic = kids(d).some((c) => isTerm(c) && termText(c).toLowerCase() === 'static');
      (isStatic ? t.staticInit : t.instInit).push({ block: this.block(block) });
      return;
    }
    const md = kid(d, 'MemberDeclarationContext') ?? kid(d, 'TriggerMemberDeclarationContext');
    if (!md) return;
    const mods = this.modifiers(kidsOf(d, 'ModifierContext'));
    const inner = kids(md)[0];
    switch (name(inner)) {
      case 'MethodDeclarationContext': {
        const tr = kid(inner, 'TypeRefContext');
        const nm = text(kid(inner, 'IdContext'));
        const b = kid(inner, 'BlockContext');
        t.methods.push({
          ...pos(inner),
          name: nm,
          key: nm.toLowerCase(),
          mods,
          ret: tr ? this.typeRef(tr) : null,
          params: this.params(kid(inner, 'FormalParametersContext')),
          body: b ? this.block(b) : null
        });
        return;
      }
      case 'ConstructorDeclarationContext': {
        this.lines.add(pos(inner).line);
        t.ctors.push({
          ...pos(inner),
          name: t.name,
          key: t.key,
          mods,
          ret: null,
          params: this.params(kid(inner, 'FormalParametersContext')),
          body: this.block(kid(inner, 'BlockContext'))
        });
        return;
      }
      case 'FieldDeclarationContext': {
        const type = this.typeRef(kid(inner, 'TypeRefContext'));
        for (const vd of kidsOf(
          kid(inner, 'VariableDeclaratorsContext'),
          'VariableDeclaratorContext'
        )) {
          const nm = text(kid(vd, 'IdContext'));
          const ex = kid(vd, 'ExpressionContext') ?? kids(vd)[2];
          const f: FieldDecl = {
            ...pos(vd),
            type,
            name: nm,
            key: nm.toLowerCase(),
            mods,
            init: ex ? this.expr(ex) : null
          };
          if (ex) this.lines.add(pos(vd).line);
          t.fields.push(f);
          (mods.set.has('static') ? t.staticInit : t.instInit).push({ field: f });
        }
        return;
      }
      case 'PropertyDeclarationContext': {
        const nm = text(kid(inner, 'IdContext'));
        const f: FieldDecl = {
          ...pos(inner),
          type: this.typeRef(kid(inner, 'TypeRefContext')),
          name: nm,
          key: nm.toLowerCase(),
          mods,
          init: null,
          prop: { get: null, set: null }
        };
        for (const pb of kidsOf(inner, 'PropertyBlockContext')) {
          const pm = this.modifiers(kidsOf(pb, 'ModifierContext'));
          const g = kid(pb, 'GetterContext');
          const s = kid(pb, 'SetterContext');
          const acc = g ?? s;
          const b = kid(acc, 'BlockContext');
          const entry = { body: b ? this.block(b) : null, mods: pm };
          if (g) f.prop!.get = entry;
          else f.prop!.set = entry;
        }
        t.fields.push(f);
        (mods.set.has('static') ? t.staticInit : t.instInit).push({ field: f });
        return;
      }
      case 'ClassDeclarationContext':
        t.inner.push(this.classDecl(inner, mods));
        return;
      case 'InterfaceDeclarationContext':
        t.inner.push(this.interfaceDecl(inner, mods));
        return;
      case 'EnumDeclarationContext':
        t.inner.push(this.enumDecl(inner, mods));
        return;
      default:
        this.fail(inner, name(inner));
    }
  }

  triggerUnit(ctx: Ctx): TypeDecl {
    const ids = kidsOf(ctx, 'IdContext').map((c) => text(c));
    const t = this.emptyType(ctx, 'trigger', ids[0] ?? 'trigger', {
      set: new Set(),
      annotations: []
    });
    const events = kidsOf(ctx, 'TriggerCaseContext').map((c) =>
      kids(c)
        .map((k) => termText(k).toLowerCase())
        .join(' ')
    );
    const blk = kid(ctx, 'TriggerBlockContext');
    const body: Stmt[] = [];
    for (const m of kidsOf(blk, 'TriggerBlockMemberContext')) {
      const st = kid(m, 'StatementContext');
      if (st) body.push(this.stmt(st));
      else {
        const md = kid(m, 'TriggerMemberDeclarationContext');
        const fake = { children: [...kidsOf(m, 'ModifierContext'), md] };
        this.member(t, fake);
      }
    }
    t.trigger = { object: ids[1] ?? '', events, body: { ...pos(blk), k: 'block', body } };
    return t;
  }

  block(ctx: Ctx): Stmt {
    return {
      ...pos(ctx),
      k: 'block',
      body: kidsOf(ctx, 'StatementContext').map((s) => this.stmt(s))
    };
  }

  stmtOrNull(ctx: Ctx | undefined): Stmt | null {
    return ctx ? this.stmt(ctx) : null;
  }

  localDecl(ctx: Ctx): Stmt {
    const type = this.typeRef(kid(ctx, 'TypeRefContext'));
    const decls = kidsOf(kid(ctx, 'VariableDeclaratorsContext'), 'VariableDeclaratorContext').map(
      (vd) => {
        const id = text(kid(vd, 'IdContext'));
        const ex = kids(vd)[2];
        return { id, key: id.toLowerCase(), init: ex ? this.expr(ex) : null };
      }
    );
    return { ...pos(ctx), k: 'local', type, decls };
  }

  stmt(ctx: Ctx): Stmt {
    const s = name(ctx) === 'StatementContext' ? kids(ctx)[0] : ctx;
    const p = pos(s);
    if (name(s) !== 'BlockContext') this.lines.add(p.line);
    switch (name(s)) {
      case 'BlockContext':
        return this.block(s);
      case 'LocalVariableDeclarationStatementContext':
        return this.localDecl(kid(s, 'LocalVariableDeclarationContext'));
      case 'ExpressionStatementContext':
        return { ...p, k: 'expr', e: this.expr(kids(s)[0]) };
      case 'IfStatementContext': {
        const sts = kidsOf(s, 'StatementContext');
        return {
          ...p,
          k: 'if',
          c: this.expr(
            kid(kid(s, 'ParExpressionContext'), 'ExpressionContext') ??
              kids(kid(s, 'ParExpressionContext'))[1]
          ),
          a: this.stmt(sts[0]),
          b: sts[1] ? this.stmt(sts[1]) : null
        };
      }
      case 'SwitchStatementContext': {
        const e = this.expr(kids(s)[2]);
        const whens = kidsOf(s, 'WhenControlContext').map((w) => {
          const wv = kid(w, 'WhenValueContext');
          const body = this.block(kid(w, 'BlockContext'));
          if (kids(wv).length === 1 && isTerm(kids(wv)[0])) return { values: null, body };
          const tr = kid(wv, 'TypeRefContext');
          if (tr) {
            const id = text(kid(wv, 'IdContext'));
            return { values: [] as Expr[], type: this.typeRef(tr), bind: id.toLowerCase(), body };
          }
          return { values: kidsOf(wv, 'WhenLiteralContext').map((l) => this.whenLiteral(l)), body };
        });
        return { ...p, k: 'switch', e, whens };
      }
      case 'ForStatementContext': {
        const fc = kid(s, 'ForControlContext');
        const body = this.stmtOrNull(kid(s, 'StatementContext'));
        const en = kid(fc, 'EnhancedForControlContext');
        if (en) {
          const id = text(kid(en, 'IdContext'));
          return {
            ...p,
            k: 'foreach',
            type: this.typeRef(kid(en, 'TypeRefContext')),
            id,
            key: id.toLowerCase(),
            e: this.expr(kid(en, 'ExpressionContext') ?? kids(en)[3]),
            body
          };
        }
        const fi = kid(fc, 'ForInitContext');
        let init: Stmt[] = [];
        if (fi) {
          const lvd = kid(fi, 'LocalVariableDeclarationContext');
          if (lvd) init = [this.localDecl(lvd)];
          else
            init = this.exprList(kid(fi, 'ExpressionListContext')).map((e) => ({
              ...p,
              k: 'expr',
              e
            }));
        }
        const cond = kids(fc).find((c) => name(c).endsWith('ExpressionContext'));
        const fu = kid(fc, 'ForUpdateContext');
        return {
          ...p,
          k: 'for',
          init,
          c: cond ? this.expr(cond) : null,
          update: fu ? this.exprList(kid(fu, 'ExpressionListContext')) : [],
          body
        };
      }
      case 'WhileStatementContext':
        return {
          ...p,
          k: 'while',
          c: this.expr(kids(kid(s, 'ParExpressionContext'))[1]),
          body: this.stmtOrNull(kid(s, 'StatementContext'))
        };
      case 'DoWhileStatementContext':
        return {
          ...p,
          k: 'do',
          c: this.expr(kids(kid(s, 'ParExpressionContext'))[1]),
          body: this.block(kid(s, 'BlockContext'))
        };
      case 'TryStatementContext': {
        const catches = kidsOf(s, 'CatchClauseContext').map((c) => {
          const qn = text(kid(c, 'QualifiedNameContext'));
          const id = text(kid(c, 'IdContext'));
          return {
            type: { name: qn, key: qn.toLowerCase(), args: [], array: 0 },
            id,
            key: id.toLowerCase(),
            body: this.block(kid(c, 'BlockContext'))
          };
        });
        const fin = kid(s, 'FinallyBlockContext');
        return {
          ...p,
          k: 'try',
          body: this.block(kid(s, 'BlockContext')),
          catches,
          fin: fin ? this.block(kid(fin, 'BlockContext')) : null
        };
      }
      case 'ReturnStatementContext': {
        const e = kids(s)[1];
        return { ...p, k: 'return', e: e && !isTerm(e) ? this.expr(e) : null };
      }
      case 'ThrowStatementContext':
        return { ...p, k: 'throw', e: this.expr(kids(s)[1]) };
      case 'BreakStatementContext':
        return { ...p, k: 'break' };
      case 'ContinueStatementContext':
        return { ...p, k: 'continue' };
      case 'InsertStatementContext':
      case 'UpdateStatementContext':
      case 'DeleteStatementContext':
      case 'UndeleteStatementContext':
      case 'UpsertStatementContext': {
        const op = termText(kids(s)[0]).toLowerCase();
        const al = kid(s, 'AccessLevelContext');
        const qn = kid(s, 'QualifiedNameContext');
        const e = kids(s).find((c) => name(c).endsWith('ExpressionContext'));
        return {
          ...p,
          k: 'dml',
          op,
          e: this.expr(e),
          ext: qn ? text(qn) : null,
          mode: al ? text(al).toLowerCase() : null
        };
      }
      case 'MergeStatementContext': {
        const es = kids(s).filter((c) => name(c).endsWith('ExpressionContext'));
        return { ...p, k: 'merge', a: this.expr(es[0]), b: this.expr(es[1]) };
      }
      case 'RunAsStatementContext': {
        const el = kid(s, 'ExpressionListContext');
        return {
          ...p,
          k: 'runas',
          args: el ? this.exprList(el) : [],
          body: this.block(kid(s, 'BlockContext'))
        };
      }
      default:
        return this.fail(s, name(s));
    }
  }

  whenLiteral(ctx: Ctx): Expr {
    const p = pos(ctx);
    const inner = kid(ctx, 'WhenLiteralContext');
    if (inner) return this.whenLiteral(inner);
    const qn = kid(ctx, 'QualifiedNameContext');
    if (qn) {
      const ids = kidsOf(qn, 'IdContext').map((c) => text(c));
      let e: Expr = { ...p, k: 'name', id: ids[0]!, key: ids[0]!.toLowerCase() };
      for (const id of ids.slice(1))
        e = { ...p, k: 'dot', obj: e, id, key: id.toLowerCase(), safe: false };
      return e;
    }
    const t = text(ctx);
    const neg = (t.match(/-/g)?.length ?? 0) % 2 === 1;
    const lit = t.replace(/[+-]/g, '');
    if (/^null$/i.test(lit)) return { ...p, k: 'lit', v: null };
    if (lit.startsWith("'")) return { ...p, k: 'lit', v: unescapeApexString(lit) };
    if (/l$/i.test(lit)) return { ...p, k: 'lit', v: BigInt(lit.slice(0, -1)) * (neg ? -1n : 1n) };
    return { ...p, k: 'lit', v: Number(lit) * (neg ? -1 : 1) };
  }

  exprList(ctx: Ctx | undefined): Expr[] {
    if (!ctx) return [];
    return kids(ctx)
      .filter((c) => !isTerm(c))
      .map((c) => this.expr(c));
  }

  literal(ctx: Ctx): unknown {
    const raw = termText(kids(ctx)[0]);
    if (/^\d+$/.test(raw) && Number(raw) > 2147483648)
      this.fail(ctx, `integer literal out of range ${raw}`);
    if (/^null$/i.test(raw)) return null;
    if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
    if (raw.startsWith("'")) return unescapeApexString(raw);
    if (/^\d+[lL]$/.test(raw)) return BigInt(raw.slice(0, -1));
    if (/^\d+$/.test(raw)) return Number(raw);
    if (/[dD]$/.test(raw)) return { double: Number(raw.slice(0, -1)) };
    return ADecimal.parse(raw);
  }

  args(ctx: Ctx | undefined): Expr[] {
    return this.exprList(kid(ctx, 'ExpressionListContext'));
  }

  expr(ctx: Ctx): Expr {
    const p = pos(ctx);
    const c = kids(ctx);
    switch (name(ctx)) {
      case 'PrimaryExpressionContext':
        return this.primary(c[0]);
      case 'DotExpressionContext': {
        const obj = this.expr(c[0]);
        const safe = termText(c[1]) === '?.';
        const m = c[2];
        if (name(m) === 'DotMethodCallContext') {
          const id = text(kid(m, 'AnyIdContext'));
          return {
            ...p,
            k: 'call',
            obj,
            id,
            key: id.toLowerCase(),
            args: this.exprList(kid(m, 'ExpressionListContext')),
            safe
          };
        }
        const id = text(m);
        return { ...p, k: 'dot', obj, id, key: id.toLowerCase(), safe };
      }
      case 'ArrayExpressionContext':
        return { ...p, k: 'idx', obj: this.expr(c[0]), index: this.expr(c[2]) };
      case 'MethodCallExpressionContext': {
        const mc = c[0];
        const first = kids(mc)[0];
        const el = kid(mc, 'ExpressionListContext');
        const args = this.exprList(el);
        if (isTerm(first)) {
          const kw = termText(first).toLowerCase();
          return {
            ...p,
            k: 'call',
            obj: null,
            id: kw,
            key: kw === 'this' ? '<this>' : '<super>',
            args,
            safe: false
          };
        }
        const id = text(first);
        return { ...p, k: 'call', obj: null, id, key: id.toLowerCase(), args, safe: false };
      }
      case 'NewExpressionContext':
        return this.creator(c[1], p);
      case 'CastExpressionContext':
        return { ...p, k: 'cast', type: this.typeRef(c[1]), e: this.expr(c[3]) };
      case 'SubExpressionContext':
        return this.expr(c[1]);
      case 'PostOpExpressionContext':
        return { ...p, k: 'inc', op: termText(c[1]), prefix: false, e: this.expr(c[0]) };
      case 'PreOpExpressionContext': {
        const op = termText(c[0]);
        const e = this.expr(c[1]);
        if (op === '++' || op === '--') return { ...p, k: 'inc', op, prefix: true, e };
        if (op === '-' && e.k === 'lit') {
          // fold negative literals so -2147483648 is representable
          const v = e.v;
          if (typeof v === 'number') return { ...p, k: 'lit', v: -v };
          if (typeof v === 'bigint') return { ...p, k: 'lit', v: -v };
        }
        return { ...p, k: 'un', op, e };
      }
      case 'NegExpressionContext':
        return { ...p, k: 'un', op: termText(c[0]), e: this.expr(c[1]) };
      case 'Arth1ExpressionContext':
      case 'Arth2ExpressionContext':
      case 'BitAndExpressionContext':
      case 'BitNotExpressionContext':
      case 'BitOrExpressionContext':
      case 'LogAndExpressionContext':
      case 'LogOrExpressionContext':
      case 'CoalExpressionContext':
      case 'EqualityExpressionContext':
      case 'CmpExpressionContext':
      case 'BitExpressionContext': {
        const l = this.expr(c[0]);
        const r = this.expr(c[c.length - 1]);
        const op = c
          .slice(1, -1)
          .map((t) => termText(t))
          .join('');
        return { ...p, k: 'bin', op, l, r };
      }
      case 'InstanceOfExpressionContext':
        return { ...p, k: 'inst', e: this.expr(c[0]), type: this.typeRef(c[2]) };
      case 'CondExpressionContext':
        return { ...p, k: 'cond', c: this.expr(c[0]), a: this.expr(c[2]), b: this.expr(c[4]) };
      case 'AssignExpressionContext':
        return { ...p, k: 'asg', op: termText(c[1]), target: this.expr(c[0]), e: this.expr(c[2]) };
      default:
        return this.fail(ctx, name(ctx));
    }
  }

  primary(ctx: Ctx): Expr {
    const p = pos(ctx);
    const c = kids(ctx);
    switch (name(ctx)) {
      case 'ThisPrimaryContext':
        return { ...p, k: 'this' };
      case 'SuperPrimaryContext':
        return { ...p, k: 'super' };
      case 'LiteralPrimaryContext':
        return { ...p, k: 'lit', v: this.literal(c[0]) };
      case 'TypeRefPrimaryContext':
        return { ...p, k: 'typelit', type: this.typeRef(c[0]) };
      case 'VoidPrimaryContext':
        return { ...p, k: 'typelit', type: { name: 'void', key: 'void', args: [], array: 0 } };
      case 'IdPrimaryContext': {
        const id = text(c[0]);
        return { ...p, k: 'name', id, key: id.toLowerCase() };
      }
      case 'SoqlPrimaryContext':
        return { ...p, k: 'soql', q: this.query(kid(c[0], 'QueryContext')) };
      default:
        return this.fail(ctx, `${name(ctx)} (SOSL)`);
    }
  }

  creator(ctx: Ctx, p: Pos): Expr {
    const cn = kid(ctx, 'CreatedNameContext');
    const pairs = kidsOf(cn, 'IdCreatedNamePairContext');
    const parts: string[] = [];
    let args: TypeRef[] = [];
    for (const pr of pairs) {
      parts.push(text(kid(pr, 'AnyIdContext')));
      const tl = kid(pr, 'TypeListContext');
      if (tl) args = kidsOf(tl, 'TypeRefContext').map((t) => this.typeRef(t));
    }
    const type: TypeRef = {
      name: parts.join('.'),
      key: parts.join('.').toLowerCase(),
      args,
      array: 0
    };
    const rest = kids(ctx)[1];
    switch (name(rest)) {
      case 'NoRestContext':
        if (type.key === 'map') return { ...p, k: 'newMap', type, pairs: [] };
        return { ...p, k: 'newColl', type, items: [] };
      case 'ClassCreatorRestContext':
        return { ...p, k: 'new', type, args: this.args(kid(rest, 'ArgumentsContext')) };
      case 'ArrayCreatorRestContext': {
        const ai = kid(rest, 'ArrayInitializerContext');
        const size =
          kid(rest, 'ExpressionContext') ??
          kids(rest).find((x) => name(x).endsWith('ExpressionContext'));
        const listType: TypeRef = { name: 'List', key: 'list', args: [type], array: 0 };
        return {
          ...p,
          k: 'newArr',
          type: listType,
          size: size ? this.expr(size) : null,
          init: ai
            ? kids(ai)
                .filter((x) => !isTerm(x))
                .map((x) => this.expr(x))
            : null
        };
      }
      case 'MapCreatorRestContext':
        return {
          ...p,
          k: 'newMap',
          type,
          pairs: kidsOf(rest, 'MapCreatorRestPairContext').map(
            (pr) => [this.expr(kids(pr)[0]), this.expr(kids(pr)[2])] as [Expr, Expr]
          )
        };
      case 'SetCreatorRestContext':
        return {
          ...p,
          k: 'newColl',
          type,
          items: kids(rest)
            .filter((x) => !isTerm(x))
            .map((x) => this.expr(x))
        };
      default:
        return this.fail(rest, name(rest));
    }
  }

  // ------------------------------------------------------------ SOQL

  fieldPath(ctx: Ctx): string[] {
    return kidsOf(ctx, 'SoqlIdContext').map((c) => text(c));
  }

  soqlFn(ctx: Ctx): SoqlFn {
    const fn = termText(kids(ctx)[0]).toLowerCase();
    const fnm = kid(ctx, 'FieldNameContext');
    const dfn = kid(ctx, 'DateFieldNameContext');
    const inner = kid(ctx, 'SoqlFunctionContext');
    let path: string[] | null = null;
    if (fnm) path = this.fieldPath(fnm);
    else if (dfn) {
      const f2 = kid(dfn, 'FieldNameContext');
      if (kid(dfn, 'FieldNameContext') && kids(dfn).length > 1) this.fail(ctx, 'convertTimezone()');
      path = this.fieldPath(f2);
    }
    if (fn === 'fields' || fn === 'distance' || fn === 'grouping' || fn === 'convertcurrency')
      this.fail(ctx, `SOQL ${fn}()`);
    return inner ? { fn, path, inner: this.soqlFn(inner) } : { fn, path };
  }

  query(ctx: Ctx): Query {
    const p = pos(ctx);
    const select: SelectItem[] = [];
    const list = kid(ctx, 'SelectListContext') ?? kid(ctx, 'SubFieldListContext');
    for (const se of kids(list).filter((x) => !isTerm(x))) {
      const alias = kid(se, 'SoqlIdContext');
      const fnm = kid(se, 'FieldNameContext');
      const fn = kid(se, 'SoqlFunctionContext');
      const sub = kid(se, 'SubQueryContext');
      const to = kid(se, 'TypeOfContext');
      if (fnm) select.push({ path: this.fieldPath(fnm), alias: alias ? text(alias) : undefined });
      else if (fn) select.push({ fn: this.soqlFn(fn), alias: alias ? text(alias) : undefined });
      else if (sub) select.push({ sub: this.query(sub) });
      else if (to) this.fail(to, 'SOQL TYPEOF');
    }
    const from = kid(ctx, 'FromNameListContext');
    const fromNames = kidsOf(from, 'FieldNameContext');
    if (fromNames.length > 1) this.fail(from, 'SOQL with several FROM objects');
    const fromAlias = kid(from, 'SoqlIdContext');
    const where = kid(ctx, 'WhereClauseContext');
    const withC = kid(ctx, 'WithClauseContext');
    let withMode: string | null = null;
    if (withC) {
      const w = text(withC).toLowerCase();
      if (w.includes('user_mode')) withMode = 'user_mode';
      else if (w.includes('system_mode')) withMode = 'system_mode';
      else if (w.includes('security_enforced')) withMode = 'security_enforced';
      else this.fail(withC, `SOQL ${text(withC)}`);
    }
    const gb = kid(ctx, 'GroupByClauseContext');
    let groupBy: Query['groupBy'] = null;
    let having: SoqlCond | null = null;
    if (gb) {
      if (kids(gb).some((x) => isTerm(x) && /^(rollup|cube)$/i.test(termText(x))))
        this.fail(gb, 'GROUP BY ROLLUP/CUBE');
      groupBy = kidsOf(kid(gb, 'FieldGroupByListContext'), 'FieldGroupByContext').map((f) => {
        const fnm = kid(f, 'FieldNameContext');
        return fnm ? this.fieldPath(fnm) : this.soqlFn(kid(f, 'SoqlFunctionContext'));
      });
      const le = kid(gb, 'LogicalExpressionContext');
      if (le) having = this.logical(le);
    }
    const ob = kid(ctx, 'OrderByClauseContext');
    const orderBy: Query['orderBy'] = [];
    if (ob) {
      for (const fo of kidsOf(kid(ob, 'FieldOrderListContext'), 'FieldOrderContext')) {
        const toks = kids(fo)
          .filter((x) => isTerm(x))
          .map((x) => termText(x).toLowerCase());
        const fnm = kid(fo, 'FieldNameContext');
        orderBy.push({
          path: fnm ? this.fieldPath(fnm) : null,
          fn: fnm ? null : this.soqlFn(kid(fo, 'SoqlFunctionContext')),
          desc: toks.includes('desc'),
          nulls: toks.includes('first') ? 'first' : toks.includes('last') ? 'last' : null
        });
      }
    }
    const lim = kid(ctx, 'LimitClauseContext');
    const off = kid(ctx, 'OffsetClauseContext');
    const fc = kid(ctx, 'ForClausesContext');
    const fcText = fc ? text(fc).toLowerCase() : '';
    if (fcText.includes('view') || fcText.includes('reference'))
      this.fail(fc, 'SOQL FOR VIEW/REFERENCE');
    if (kids(ctx).some((x) => isTerm(x) && termText(x).toLowerCase() === 'update'))
      this.fail(ctx, 'SOQL UPDATE TRACKING/VIEWSTAT');
    if (kid(ctx, 'UsingScopeContext')) this.fail(ctx, 'SOQL USING SCOPE');
    return {
      ...p,
      select,
      from: text(fromNames[0]),
      fromAlias: fromAlias ? text(fromAlias) : undefined,
      where: where ? this.logical(where) : null,
      withMode,
      groupBy,
      having,
      orderBy,
      limit: lim ? this.limitValue(lim) : null,
      offset: off ? this.limitValue(off) : null,
      allRows: !!kid(ctx, 'AllRowsClauseContext'),
      forUpdate: fcText.includes('update'),
      text: text(ctx)
    };
  }

  limitValue(ctx: Ctx): SoqlValue {
    const be = kid(ctx, 'BoundExpressionContext');
    if (be) return { k: 'bind', e: this.expr(kids(be)[1]) };
    return { k: 'lit', v: Number(termText(kids(ctx)[1])) };
  }

  logical(ctx: Ctx): SoqlCond {
    const c = kids(ctx).filter((x) => !(isTerm(x) && termText(x).toLowerCase() === 'where'));
    const inner = c.find(
      (x) => name(x) === 'WhereLogicalExpressionContext' || name(x) === 'LogicalExpressionContext'
    );
    if (inner && c.length === 1) return this.logical(inner);
    const conds = c
      .filter(
        (x) =>
          name(x) === 'ConditionalExpressionContext' ||
          name(x) === 'WhereConditionalExpressionContext'
      )
      .map((x) => this.conditional(x));
    const toks = c.filter((x) => isTerm(x)).map((x) => termText(x).toLowerCase());
    if (toks[0] === 'not') return { k: 'not', c: conds[0]! };
    if (conds.length === 1) return conds[0]!;
    return { k: toks.includes('or') ? 'or' : 'and', items: conds };
  }

  conditional(ctx: Ctx): SoqlCond {
    const le = kid(ctx, 'LogicalExpressionContext') ?? kid(ctx, 'WhereLogicalExpressionContext');
    if (le) return this.logical(le);
    const wfe = kid(ctx, 'WhereFieldExpressionContext');
    const fe = kid(wfe ?? ctx, 'FieldExpressionContext');
    if (!fe) this.fail(ctx, 'SOQL FORMULA()');
    const fnm = kid(fe, 'FieldNameContext');
    const fn = kid(fe, 'SoqlFunctionContext');
    const op = kids(kid(fe, 'ComparisonOperatorContext'))
      .map((t: Ctx) => termText(t).toLowerCase())
      .join(' ')
      .replace('< =', '<=')
      .replace('> =', '>=');
    return {
      k: 'cmp',
      path: fnm ? this.fieldPath(fnm) : null,
      fn: fn ? this.soqlFn(fn) : null,
      op,
      v: this.soqlValue(kid(fe, 'ValueContext'))
    };
  }

  soqlValue(ctx: Ctx): SoqlValue {
    const c = kids(ctx);
    const first = c[0];
    if (!isTerm(first)) {
      switch (name(first)) {
        case 'SignedNumberContext': {
          const t = text(first);
          return { k: 'lit', v: t.includes('.') ? ADecimal.parse(t) : Number(t) };
        }
        case 'DateFormulaContext': {
          const dn = termText(kids(first)[0]).toLowerCase();
          const si = kid(first, 'SignedIntegerContext');
          return { k: 'date', name: dn, n: si ? Number(text(si)) : 0 };
        }
        case 'ValueListContext':
          return { k: 'list', items: kidsOf(first, 'ValueContext').map((v) => this.soqlValue(v)) };
        case 'BoundExpressionContext':
          return { k: 'bind', e: this.expr(kids(first)[1]) };
      }
      return this.fail(ctx, `SOQL value ${text(ctx)}`);
    }
    const t = termText(first);
    if (t === '(') {
      const sq = kid(ctx, 'SubQueryContext');
      if (sq) return { k: 'sub', q: this.query(sq) };
    }
    if (/^null$/i.test(t)) return { k: 'lit', v: null };
    if (/^(true|false)$/i.test(t)) return { k: 'lit', v: t.toLowerCase() === 'true' };
    if (t.startsWith("'")) return { k: 'lit', v: unescapeApexString(t) };
    if (/^\d{4}-\d\d-\d\dT/.test(t)) return { k: 'lit', v: { soqlDatetime: t } };
    if (/^\d{4}-\d\d-\d\d$/.test(t)) return { k: 'lit', v: { soqlDate: t } };
    return this.fail(ctx, `SOQL value ${text(ctx)}`);
  }
}

class Collect extends ApexErrorListener {
  errors: { line: number; col: number; msg: string }[] = [];
  apexSyntaxError(line: number, col: number, msg: string): void {
    this.errors.push({ line, col, msg });
  }
}

export function parseApex(source: string, file: string): TypeDecl {
  const listener = new Collect();
  const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
  const trigger = file.endsWith('.trigger');
  const tree = trigger ? parser.triggerUnit() : parser.compilationUnit();
  const e = listener.errors[0];
  if (e) throw new ParseError(`syntax error: ${e.msg} (column ${e.col + 1})`, file, e.line);
  const lower = new Lower(file);
  return trigger ? lower.triggerUnit(tree) : lower.compilationUnit(tree);
}

/** Parses a dynamic SOQL string (Database.query). */
export function parseSoql(source: string, file: string): Query {
  const listener = new Collect();
  const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
  const tree = parser.query();
  const e = listener.errors[0];
  if (e) throw new ParseError(`unexpected token in query: ${e.msg}`, file, e.line);
  return new Lower(file).query(tree);
}
