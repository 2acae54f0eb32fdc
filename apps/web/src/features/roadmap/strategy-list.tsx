import { addStrategy, readString, removeItem } from '@alliance/shared';
import { useEffect, useRef, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CollabText, type CollabTextHandle } from '../../components/collab-text/index.js';
import { useYArray, useYMap } from '../../sync/hooks.js';
import { AddButton, GoalSection } from './goal-section.js';
import { Icon } from './icons.js';

export interface StrategyListProps {
  goal: Y.Map<unknown>;
  strategies: Y.Array<Y.Map<unknown>> | null;
  readOnly: boolean;
  awareness: Awareness | null;
  announce(message: string): void;
}

const NO_STRATEGIES = new Y.Array<Y.Map<unknown>>();

/** What helps along the way: ways of coping and of going about the goal, kept after therapy ends. */
export function StrategyList({ goal, strategies, readOnly, awareness, announce }: StrategyListProps) {
  const items = useYArray(strategies ?? NO_STRATEGIES).filter((item): item is Y.Map<unknown> => item instanceof Y.Map);
  const [focusId, setFocusId] = useState<string | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);

  const add = () => {
    const strategy = addStrategy(goal);
    if (strategy) setFocusId(readString(strategy, 'id'));
  };

  return (
    <GoalSection
      title="Strategies"
      empty={items.length === 0}
      emptyText="Ways of coping and of going about it that you want to keep."
      actions={!readOnly && strategies && <AddButton ref={addRef} label="Add strategy" onClick={add} />}
    >
      <ul className="item-list item-list--strategies">
        {items.map((strategy, index) => {
          const id = readString(strategy, 'id') || String(index);
          return (
            <StrategyRow
              key={id}
              strategy={strategy}
              number={index + 1}
              readOnly={readOnly}
              awareness={awareness}
              autoFocus={focusId === id}
              onEnter={add}
              onDelete={() => {
                if (strategies && removeItem(strategies, id)) {
                  announce('Strategy deleted.');
                  addRef.current?.focus();
                }
              }}
            />
          );
        })}
      </ul>
    </GoalSection>
  );
}

interface StrategyRowProps {
  strategy: Y.Map<unknown>;
  number: number;
  readOnly: boolean;
  awareness: Awareness | null;
  autoFocus: boolean;
  onEnter(): void;
  onDelete(): void;
}

function StrategyRow({ strategy, number, readOnly, awareness, autoFocus, onEnter, onDelete }: StrategyRowProps) {
  const text = useYMap(strategy).get('text');
  const textRef = useRef<CollabTextHandle>(null);
  useEffect(() => {
    if (autoFocus) textRef.current?.focus();
  }, [autoFocus]);
  return (
    <li className="strategy">
      <span className="strategy__mark" aria-hidden="true" />
      {text instanceof Y.Text ? (
        <CollabText ref={textRef} text={text} awareness={awareness} label="Strategy" className="strategy__text" placeholder="Something that helps" readOnly={readOnly} onEnter={onEnter} />
      ) : (
        <p className="strategy__text">This strategy cannot be shown.</p>
      )}
      {!readOnly && (
        <button type="button" className="rm-icon-button" aria-label={`Delete strategy ${number}`} title="Delete strategy" onClick={onDelete}>
          <Icon name="remove" size={16} />
        </button>
      )}
    </li>
  );
}
