import { useRef, useState, type CSSProperties, type KeyboardEvent, type PointerEvent } from 'react';

/** Marks an element as one of the items being reordered (its parent holds them all). */
export const REORDER_ITEM = 'data-reorder-item';

/** How near the window's top or bottom edge (px) a dragged item scrolls the page, and how fast. */
const EDGE = 80;
const MAX_SCROLL_PER_FRAME = 18;

interface Drag {
  id: string;
  pointerId: number;
  from: number;
  over: number;
  /** Where the pointer went down, in page coordinates (the page may scroll during a drag). */
  startY: number;
  dy: number;
  /** Vertical centres of every item when the drag began, in page coordinates. */
  centers: number[];
  /** How far the others step aside: the dragged item's height plus the gap after it. */
  shift: number;
}

export interface ReorderOptions {
  /** The ids of the items, in the order they are shown. */
  ids: readonly string[];
  /** Puts item `id` at position `toIndex` (both by drag and by keyboard). */
  onMove(id: string, toIndex: number, how: 'pointer' | 'keyboard'): void;
  disabled?: boolean;
}

export interface Reorder {
  /** The id being dragged, if any. */
  dragging: string | null;
  /** Props for an item's handle: drag with a pointer (mouse, pen, touch); Arrow keys move it. */
  handleProps(id: string): {
    onPointerDown(event: PointerEvent<HTMLElement>): void;
    onPointerMove(event: PointerEvent<HTMLElement>): void;
    onPointerUp(event: PointerEvent<HTMLElement>): void;
    onPointerCancel(event: PointerEvent<HTMLElement>): void;
    onKeyDown(event: KeyboardEvent<HTMLElement>): void;
  };
  /** Where an item is drawn while another is dragged past it. */
  itemStyle(id: string): CSSProperties | undefined;
}

/**
 * Reordering a list by dragging a handle and by keyboard. Pointer events cover mouse, pen and
 * touch alike (the handle sets `touch-action: none`, so a drag never scrolls instead). Items
 * stay where they are in the DOM while dragged; only their transforms change, and the move is
 * made once, when the pointer is let go.
 */
export function useReorder({ ids, onMove, disabled = false }: ReorderOptions): Reorder {
  const [drag, setDrag] = useState<Drag | null>(null);
  const dragRef = useRef<Drag | null>(null);
  /** Where the pointer is in the window, and the frame that scrolls while it rests near an edge. */
  const pointerY = useRef(0);
  const scrollFrame = useRef<number | null>(null);

  const update = (next: Drag | null) => {
    dragRef.current = next;
    setDrag(next);
  };

  /** Follows the pointer (page coordinates, so scrolling during the drag counts too). */
  const follow = () => {
    const current = dragRef.current;
    if (!current) return;
    const dy = pointerY.current + window.scrollY - current.startY;
    const center = current.centers[current.from]! + dy;
    const over = current.centers.filter((other, index) => index !== current.from && other < center).length;
    if (dy !== current.dy || over !== current.over) update({ ...current, dy, over });
  };

  // Cards can be taller than the screen: resting near the top or bottom edge keeps scrolling.
  const autoScroll = () => {
    scrollFrame.current = null;
    if (!dragRef.current) return;
    const y = pointerY.current;
    const depth = y < EDGE ? y - EDGE : y > window.innerHeight - EDGE ? y - (window.innerHeight - EDGE) : 0;
    if (depth === 0) return;
    const before = window.scrollY;
    window.scrollBy(0, Math.max(-1, Math.min(1, depth / EDGE)) * MAX_SCROLL_PER_FRAME);
    if (window.scrollY === before) return;
    follow();
    scrollFrame.current = requestAnimationFrame(autoScroll);
  };

  const finish = (commit: boolean) => {
    const current = dragRef.current;
    if (scrollFrame.current !== null) cancelAnimationFrame(scrollFrame.current);
    scrollFrame.current = null;
    update(null);
    if (commit && current && current.over !== current.from) onMove(current.id, current.over, 'pointer');
  };

  return {
    dragging: drag?.id ?? null,
    handleProps: (id) => ({
      onPointerDown: (event) => {
        if (disabled || dragRef.current || (event.pointerType === 'mouse' && event.button !== 0)) return;
        const handle = event.currentTarget;
        const item = handle.closest(`[${REORDER_ITEM}]`);
        const container = item?.parentElement;
        const from = ids.indexOf(id);
        if (!item || !container || from < 0) return;
        const items = [...container.children].filter((child) => child.hasAttribute(REORDER_ITEM));
        if (items.length !== ids.length) return;
        const rects = items.map((element) => element.getBoundingClientRect());
        const own = rects[from]!;
        const next = rects[from + 1];
        const previous = rects[from - 1];
        const gap = next ? next.top - own.bottom : previous ? own.top - previous.bottom : 0;
        event.preventDefault();
        handle.setPointerCapture(event.pointerId);
        pointerY.current = event.clientY;
        update({
          id,
          pointerId: event.pointerId,
          from,
          over: from,
          startY: event.clientY + window.scrollY,
          dy: 0,
          centers: rects.map((rect) => rect.top + rect.height / 2 + window.scrollY),
          shift: own.height + Math.max(0, gap),
        });
      },
      onPointerMove: (event) => {
        const current = dragRef.current;
        if (!current || current.pointerId !== event.pointerId) return;
        pointerY.current = event.clientY;
        follow();
        if (scrollFrame.current === null) scrollFrame.current = requestAnimationFrame(autoScroll);
      },
      onPointerUp: (event) => {
        if (dragRef.current?.pointerId === event.pointerId) finish(true);
      },
      onPointerCancel: (event) => {
        if (dragRef.current?.pointerId === event.pointerId) finish(false);
      },
      onKeyDown: (event) => {
        if (event.key === 'Escape' && dragRef.current) {
          event.preventDefault();
          finish(false);
          return;
        }
        if (disabled || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') || event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        const from = ids.indexOf(id);
        const to = from + (event.key === 'ArrowUp' ? -1 : 1);
        if (from < 0 || to < 0 || to >= ids.length) return;
        const handle = event.currentTarget;
        onMove(id, to, 'keyboard');
        // React moves the item's element, which can take focus from it: give it back.
        requestAnimationFrame(() => {
          if (handle.isConnected && document.activeElement !== handle) handle.focus();
        });
      },
    }),
    itemStyle: (id) => {
      if (!drag) return undefined;
      const index = ids.indexOf(id);
      if (id === drag.id) return { transform: `translateY(${drag.dy}px)`, zIndex: 3, position: 'relative', transition: 'none' };
      const { from, over, shift } = drag;
      if (from < over && index > from && index <= over) return { transform: `translateY(${-shift}px)` };
      if (from > over && index >= over && index < from) return { transform: `translateY(${shift}px)` };
      return { transform: 'translateY(0)' };
    },
  };
}
