// Finds where a validation error's path (`machine.states.screening.on.ACCEPT`, `/machine/states/0`)
// sits in the JSON text, so the editor can select that line.

/** Byte ranges of every member and element in a JSON text, keyed by their path joined with '\u0000'. */
export function indexJson(text: string): Map<string, { start: number; end: number }> {
  const out = new Map<string, { start: number; end: number }>();
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return text.slice(start + 1, i - 1);
    }
  };
  const value = (path: string[], start: number): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      while (i < text.length && text[i] !== '}') {
        ws();
        if (text[i] !== '"') throw new Error('key expected');
        const keyStart = i;
        const key = str();
        ws();
        i++; // colon
        value([...path, key], keyStart);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '[') {
      i++;
      let n = 0;
      ws();
      while (i < text.length && text[i] !== ']') {
        ws();
        value([...path, String(n++)], i);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '"') {
      str();
    } else {
      while (i < text.length && !/[,}\]\s]/.test(text[i])) i++;
    }
    out.set(path.join('\u0000'), { start, end: i });
  };
  try {
    value([], 0);
  } catch {
    // a broken text still yields the paths found before the break
  }
  return out;
}

/** Splits `a.b[0].c`, `/a/b/0/c` or `a["b.c"]` into segments. */
export function pathSegments(path: string): string[] {
  const segments: string[] = [];
  const re = /\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[\s*'([^']*)'\s*\]|\[(\d+)\]|([^./[\]]+)/g;
  for (const m of path.matchAll(re)) segments.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  if (segments[0] === '$' || segments[0] === '#') segments.shift();
  return segments.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The text range for an error path: the deepest part of the path that exists in the text. */
export function locatePath(text: string, path: string): { start: number; end: number } | null {
  const index = indexJson(text);
  const segments = pathSegments(path);
  for (let n = segments.length; n >= 0; n--) {
    const hit = index.get(segments.slice(0, n).join('\u0000'));
    if (hit && n > 0) return hit;
  }
  return null;
}

/** The line (start and end offsets) containing an offset. */
export function lineAt(text: string, offset: number): { start: number; end: number; line: number } {
  const start = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  const nl = text.indexOf('\n', offset);
  const line = text.slice(0, start).split('\n').length;
  return { start, end: nl === -1 ? text.length : nl, line };
}

/** The offset a JSON.parse error message points at, if it says. */
export function parseErrorOffset(text: string, message: string): number | null {
  const position = /position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) {
    const lines = text.split('\n');
    let offset = 0;
    for (let l = 0; l < Number(lc[1]) - 1 && l < lines.length; l++) offset += lines[l].length + 1;
    return offset + Number(lc[2]) - 1;
  }
  return null;
}
