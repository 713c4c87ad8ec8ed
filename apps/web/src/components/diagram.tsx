import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n';

interface DiagramProps {
  svg: string;
  /** State ids (e.g. `screening`, `planning.contributions`) to mark as current. */
  highlight?: string[];
  label: string;
}

/** Marks the current states in a rendered diagram; returns the first of them. */
function mark(root: HTMLElement, wanted: string): SVGGraphicsElement | null {
  const ids = new Set(wanted ? wanted.split('|') : []);
  for (const node of root.querySelectorAll<SVGGElement>('[data-state]')) {
    node.classList.toggle('current-step', ids.has(node.getAttribute('data-state') ?? ''));
  }
  return root.querySelector<SVGGraphicsElement>('.current-step');
}

/** Scrolls a frame so the element sits in its middle (the enlarged diagram is larger than the screen). */
function centre(frame: HTMLElement, current: SVGGraphicsElement | null): void {
  if (!current || typeof current.getBoundingClientRect !== 'function') return;
  const box = current.getBoundingClientRect();
  const outer = frame.getBoundingClientRect();
  frame.scrollLeft += box.left + box.width / 2 - (outer.left + outer.width / 2);
  frame.scrollTop += box.top + box.height / 2 - (outer.top + outer.height / 2);
}

/**
 * A pathway diagram rendered by the API (an SVG whose state boxes carry `data-state`, with each
 * state's title and id in its tooltip). On the page it is scaled to fit its frame, arrows and all,
 * with the current step marked; "Enlarge" opens it at full size in a dialog, centred on the current step.
 */
export function Diagram({ svg, highlight = [], label }: DiagramProps) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const bigRef = useRef<HTMLDivElement>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const wanted = highlight.join('|');
  useEffect(() => {
    if (ref.current) mark(ref.current, wanted);
  }, [svg, wanted]);
  useEffect(() => {
    const frame = bigRef.current;
    if (!open || !frame) return;
    const current = mark(frame, wanted);
    requestAnimationFrame(() => centre(frame, current));
  }, [open, svg, wanted]);
  const enlarge = () => {
    setOpen(true);
    dialog.current?.showModal();
  };
  const shrink = () => {
    dialog.current?.close();
  };
  return (
    <figure className="diagram">
      <div ref={ref} className="diagram-canvas diagram-fit" role="img" aria-label={label} dangerouslySetInnerHTML={{ __html: svg }} />
      <figcaption>
        <button type="button" className="link-button" onClick={enlarge}>
          {t('case.enlarge')}
        </button>
      </figcaption>
      <dialog ref={dialog} className="diagram-dialog" aria-label={label} onClose={() => setOpen(false)}>
        <div className="dialog-bar">
          <strong>{label}</strong>
          <button type="button" onClick={shrink} autoFocus>
            {t('case.shrink')}
          </button>
        </div>
        {open ? <div ref={bigRef} className="diagram-canvas diagram-full" tabIndex={0} role="img" aria-label={label} dangerouslySetInnerHTML={{ __html: svg }} /> : null}
      </dialog>
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
