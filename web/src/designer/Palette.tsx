import { useMemo, useState, type DragEvent } from 'react';
import type { Plugin } from '../api/types';
import { pluginPaletteItem, STEP_PALETTE, type PaletteItem } from '../workflow/operations';
import { PALETTE_MIME } from './Canvas';

/** Step types and enabled plugins, dragged onto the canvas (or added at the centre with a click, for keyboards and phones). */
export function Palette({ plugins, onAdd }: { plugins: Plugin[]; onAdd(item: PaletteItem): void }) {
  const [filter, setFilter] = useState('');
  const pluginItems = useMemo(() => {
    const names = [...new Set(plugins.filter((p) => p.status === 'enabled').map((p) => p.name))];
    return names.map((n) => ({ item: pluginPaletteItem(n), plugin: plugins.find((p) => p.name === n)! }));
  }, [plugins]);
  const f = filter.toLowerCase();
  const start = (item: PaletteItem) => (event: DragEvent) => {
    event.dataTransfer.setData(PALETTE_MIME, JSON.stringify(item));
    event.dataTransfer.effectAllowed = 'copy';
  };
  const entry = (item: PaletteItem, title: string, sub?: string) => (
    <button key={item.key} className="palette-item" draggable onDragStart={start(item)} onClick={() => onAdd(item)} title={title} data-testid={`palette-${item.key}`}>
      <span>{item.label}</span>{sub ? <span className="muted small">{sub}</span> : null}
    </button>
  );
  return (
    <aside className="palette" aria-label="Palette">
      <input type="search" placeholder="Filter" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter palette" />
      <h4>Flow</h4>
      {STEP_PALETTE.filter((i) => i.label.toLowerCase().includes(f)).map((i) => entry(i, `Drag to add a ${i.label} step`))}
      <h4>Plugins</h4>
      {pluginItems.filter(({ item, plugin }) => item.label.includes(f) || plugin.category.toLowerCase().includes(f))
        .map(({ item, plugin }) => entry(item, plugin.description, plugin.category))}
    </aside>
  );
}
