import { sql, type Kysely } from 'kysely';

// Frozen: fold_text (2026-11-25 domain migration) folds Latin accents and ASCII case only, so
// "Артём" searched as "Артем" (ё is routinely written е in Russian) found nothing, nor did
// "ΑΘΗΝΑ" find "Αθήνα". This version also folds Cyrillic and Greek case (lower() folds only ASCII
// under the C locale, which PGlite and many servers use), the letter variants that Cyrillic
// writing treats as the same letter (ё → е, ї → і, ґ → г), Greek tonos and diaeresis (final ς
// → σ), and Latin letters the first map missed (Romanian comma-below ș ț, đ, ħ, Esperanto and
// pinyin caron vowels). It stays translate(): IMMUTABLE, the same on PostgreSQL and PGlite.
// й is kept: unlike ё, Russian never writes it as и.
//
// Indexes on fold_text(...) hold values of the old function, so every one is rebuilt here,
// found by its definition (an index another migration adds is rebuilt too).

/** Old map (frozen copy of the domain migration's), restored by `down`. */
const OLD_FROM =
  'ÁÀÂÄÃÅĀĂĄáàâäãåāăąÇĆČçćčĎďÉÈÊËĒĖĘĚéèêëēėęěĞğÍÌÎÏĪİíìîïīıŁłÑŃŇñńňÓÒÔÖÕØŌŐóòôöõøōőŘřŚŠŞśšşŤťÚÙÛÜŪŮŰúùûüūůűÝŸýÿŹŻŽźżž';
const OLD_TO =
  'AAAAAAAAAaaaaaaaaaCCCcccDdEEEEEEEEeeeeeeeeGgIIIIIIiiiiiiLlNNNnnnOOOOOOOOooooooooRrSSSsssTtUUUUUUUuuuuuuuYYyyZZZzzz';

/** Added pairs, each `from` character mapped to the `to` character at the same position. */
const ADDED: readonly (readonly [string, string])[] = [
  // Latin letters the first map missed.
  [
    'ȘșŢţȚțĐđĦħĹĺĽľŔŕĈĉĜĝĤĥĴĵŜŝŬŭĊċĠġŴŵŶŷǍǎǏǐǑǒǓǔǗǘǙǚǛǜĢģĶķĻļŅņŉ',
    'SsTtTtDdHhLlLlRrCcGgHhJjSsUuCcGgWwYyAaIiOoUuuuuuuuGgKkLlNnn',
  ],
  // Russian, Belarusian, Ukrainian, Serbian and Macedonian capitals to small letters.
  ['АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ', 'абвгдежзийклмнопрстуфхцчшщъыьэюя'],
  ['ЂЃЄЅІЈЉЊЋЌЎЏ', 'ђѓєѕіјљњћќўџ'],
  // Letter variants written interchangeably: ё as е, ї as і, ґ as г, ѐ/ѝ (stress marks).
  ['ЁёЇїҐґЀѐЍѝ', 'ееііггееии'],
  // Greek capitals, tonos, diaeresis and final sigma.
  ['ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ', 'αβγδεζηθικλμνξοπρστυφχψω'],
  ['ΆΈΉΊΌΎΏΪΫάέήίόύώϊϋΐΰς', 'αεηιουωιυαεηιουωιυιυσ'],
];

const NEW_FROM = OLD_FROM + ADDED.map(([from]) => from).join('');
const NEW_TO = OLD_TO + ADDED.map(([, to]) => to).join('');

function foldTextFunction(from: string, to: string): string {
  return `create or replace function fold_text(t text) returns text language sql immutable strict parallel safe
     as $$ select lower(translate(t, '${from}', '${to}')) $$`;
}

// REINDEX cannot run inside a function in every case, but a DO block issuing it per index
// runs inside the migration's transaction on both engines.
const REINDEX_FOLDED = `do $$
  declare name regclass;
  begin
    for name in select indexrelid::regclass from pg_index
                 where pg_get_indexdef(indexrelid) like '%fold_text(%' loop
      execute format('reindex index %s', name);
    end loop;
  end $$`;

function checkMaps(from: string, to: string): void {
  if ([...from].length !== [...to].length)
    throw new Error(
      `fold_text: expected maps of equal length, got ${[...from].length} and ${[...to].length}`,
    );
}

export async function up(db: Kysely<any>): Promise<void> {
  checkMaps(NEW_FROM, NEW_TO);
  for (const [from, to] of ADDED) checkMaps(from, to);
  await sql.raw(foldTextFunction(NEW_FROM, NEW_TO)).execute(db);
  await sql.raw(REINDEX_FOLDED).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(foldTextFunction(OLD_FROM, OLD_TO)).execute(db);
  await sql.raw(REINDEX_FOLDED).execute(db);
}
