/**
 * A small, strict XML well-formedness checker for the SVG tests (no XML parser is installed):
 * one root element, properly nested and closed tags, quoted and unique attributes, only the five
 * predefined or numeric entities, no raw `<` or `&` in text or attribute values.
 * Returns the problems found (empty when well-formed) and the element names in document order.
 */
export function checkWellFormedXml(xml: string): { problems: string[]; elements: string[]; texts: string[] } {
  const problems: string[] = [];
  const elements: string[] = [];
  const texts: string[] = [];
  const stack: string[] = [];
  const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
  const ENTITY = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/;
  let i = 0;
  let roots = 0;

  const checkText = (text: string, where: string) => {
    for (let j = 0; j < text.length; j++) {
      if (text[j] === '<') problems.push(`raw "<" in ${where}`);
      if (text[j] === '&' && !ENTITY.test(text.slice(j))) problems.push(`bad entity in ${where}: ${text.slice(j, j + 10)}`);
    }
  };

  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) return { problems: ['unterminated XML declaration'], elements, texts };
    i = end + 2;
  }
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (text.length > 0) {
      if (stack.length === 0 && text.trim() !== '') problems.push(`text outside the root element: ${text.trim().slice(0, 20)}`);
      checkText(text, 'text');
      if (text.trim() !== '') texts.push(text);
    }
    if (lt < 0) break;
    i = lt;
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end < 0) {
        problems.push('unterminated comment');
        break;
      }
      i = end + 3;
      continue;
    }
    if (xml.startsWith('</', i)) {
      const name = NAME.exec(xml.slice(i + 2))?.[0];
      const end = xml.indexOf('>', i);
      if (!name || end < 0 || xml.slice(i + 2 + name.length, end).trim() !== '') {
        problems.push(`malformed end tag at ${i}`);
        break;
      }
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? '(nothing)'}>`);
      i = end + 1;
      continue;
    }
    const name = NAME.exec(xml.slice(i + 1))?.[0];
    if (!name) {
      problems.push(`malformed tag at ${i}`);
      break;
    }
    if (stack.length === 0) roots++;
    elements.push(name);
    i += 1 + name.length;
    const seen = new Set<string>();
    for (;;) {
      const ws = /^\s*/.exec(xml.slice(i))![0];
      i += ws.length;
      if (xml.startsWith('/>', i)) {
        i += 2;
        break;
      }
      if (xml[i] === '>') {
        stack.push(name);
        i += 1;
        break;
      }
      if (ws.length === 0) {
        problems.push(`<${name}>: attributes must be separated by white space`);
        return { problems, elements, texts };
      }
      const attr = NAME.exec(xml.slice(i))?.[0];
      if (!attr) {
        problems.push(`<${name}>: malformed attribute at ${i}`);
        return { problems, elements, texts };
      }
      if (seen.has(attr)) problems.push(`<${name}>: attribute ${attr} repeated`);
      seen.add(attr);
      i += attr.length;
      const eq = /^\s*=\s*(["'])/.exec(xml.slice(i));
      if (!eq) {
        problems.push(`<${name}>: attribute ${attr} has no quoted value`);
        return { problems, elements, texts };
      }
      i += eq[0].length;
      const close = xml.indexOf(eq[1]!, i);
      if (close < 0) {
        problems.push(`<${name}>: unterminated attribute ${attr}`);
        return { problems, elements, texts };
      }
      checkText(xml.slice(i, close), `attribute ${attr} of <${name}>`);
      i = close + 1;
    }
  }
  if (stack.length > 0) problems.push(`unclosed elements: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`expected one root element, found ${roots}`);
  return { problems, elements, texts };
}
