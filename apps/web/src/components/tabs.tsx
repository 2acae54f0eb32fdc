import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabItem<K extends string> {
  key: K;
  label: string;
  /** A small mark after the label, for the eye only (the label is the tab's whole name). */
  badge?: ReactNode;
}

/**
 * A row of tabs (WAI-ARIA tabs pattern): one tab stop, arrow keys, Home and End move between
 * tabs and select them. The panel is rendered by the caller with `tabPanelProps`.
 */
export function Tabs<K extends string>({ idBase, label, items, selected, onSelect }: { idBase: string; label: string; items: readonly TabItem<K>[]; selected: K; onSelect: (key: K) => void }) {
  const refs = useRef(new Map<K, HTMLButtonElement>());

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = items.findIndex((item) => item.key === selected);
    let next = -1;
    if (event.key === 'ArrowRight') next = (index + 1) % items.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + items.length) % items.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = items.length - 1;
    const target = items[next];
    if (!target) return;
    event.preventDefault();
    onSelect(target.key);
    refs.current.get(target.key)?.focus();
  };

  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {items.map((item) => {
        const active = item.key === selected;
        return (
          <button
            key={item.key}
            ref={(element) => {
              if (element) refs.current.set(item.key, element);
              else refs.current.delete(item.key);
            }}
            type="button"
            role="tab"
            id={`${idBase}-tab-${item.key}`}
            aria-selected={active}
            aria-controls={`${idBase}-panel-${item.key}`}
            tabIndex={active ? 0 : -1}
            className={active ? 'tabs__tab tabs__tab--active' : 'tabs__tab'}
            onClick={() => onSelect(item.key)}
          >
            {item.label}
            {item.badge && <span aria-hidden="true">{item.badge}</span>}
          </button>
        );
      })}
    </div>
  );
}

/** The attributes of the panel that belongs to tab `key`. */
export function tabPanelProps(idBase: string, key: string) {
  return { role: 'tabpanel', id: `${idBase}-panel-${key}`, 'aria-labelledby': `${idBase}-tab-${key}`, tabIndex: -1 } as const;
}
