import { useEffect, useRef } from 'react';

interface DiagramProps {
  svg: string;
  /** State ids (e.g. `screening`, `planning.contributions`) to mark as current. */
  highlight?: string[];
  label: string;
}

/**
 * Shows a pathway diagram rendered by the API (an SVG whose state boxes carry `data-state`) and
 * marks the current states, whether or not the server highlighted them already.
 */
export function Diagram({ svg, highlight = [], label }: DiagramProps) {
  const ref = useRef<HTMLDivElement>(null);
  const wanted = highlight.join('|');
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const ids = new Set(wanted ? wanted.split('|') : []);
    for (const node of root.querySelectorAll<SVGGElement>('[data-state]')) {
      const on = ids.has(node.getAttribute('data-state') ?? '');
      node.classList.toggle('current-step', on);
    }
    // Big pathways scroll inside their frame: bring the current step into view.
    const current = root.querySelector<SVGGraphicsElement>('.current-step');
    if (current && typeof current.getBBox === 'function') {
      const box = current.getBBox();
      root.scrollLeft = Math.max(0, box.x + box.width / 2 - root.clientWidth / 2);
      root.scrollTop = Math.max(0, box.y + box.height / 2 - root.clientHeight / 2);
    }
  }, [svg, wanted]);
  return (
    <figure className="diagram">
      <div ref={ref} className="diagram-canvas" tabIndex={0} role="group" aria-label={label} dangerouslySetInnerHTML={{ __html: svg }} />
    </figure>
  );
}

/** Leaf state ids and their ancestors from an XState state value (`"a"` or `{a: "b"}`). */
export function stateIds(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix ? `${prefix}.${value}` : value];
  if (value && typeof value === 'object') {
    const out: string[] = [];
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const id = prefix ? `${prefix}.${key}` : key;
      out.push(id, ...stateIds(child, id));
    }
    return out;
  }
  return [];
}

/** A state value in words: `planning › contributions`. */
export function describeState(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, child]) => {
        const inner = describeState(child);
        return inner ? `${key} › ${inner}` : key;
      })
      .join(', ');
  }
  return '';
}
