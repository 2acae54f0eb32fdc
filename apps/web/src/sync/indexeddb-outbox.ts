import type { DocKey } from '@alliance/shared';
import type { Outbox, OutboxEntry } from './outbox.js';

/*
 * Why a store of our own and not y-indexeddb: y-indexeddb keeps the whole document — the
 * server's part too — and compacts it, with no notion of what the server has confirmed. Here
 * the device keeps only the person's own unconfirmed updates and forgets each once it is
 * stored on the server, so a therapy roadmap does not pile up on a shared computer. Four
 * operations over one object store are little code, so no wrapper library either.
 *
 * One object store; each record is keyed by [user id, document key, entry id]. Writes use
 * the browser's default durability: a committed transaction survives the tab and the
 * browser closing (a power cut may lose the last moments, as it would for any other site).
 */

const DATABASE = 'alliance-outbox';
const VERSION = 1;
const STORE = 'updates';

interface OutboxRecord {
  userId: string;
  docKey: DocKey;
  id: string;
  update: Uint8Array;
}

/** Whether this browser can keep updates at all (not in Node, not in some locked-down modes). */
export function canUseIndexedDb(): boolean {
  return typeof indexedDB !== 'undefined';
}

function openDatabase(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(DATABASE, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: ['userId', 'docKey', 'id'] });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
  });
}

/** The outbox of one person in this browser's IndexedDB. */
export function openIndexedDbOutbox(userId: string, factory: IDBFactory = indexedDB): Outbox {
  let database: Promise<IDBDatabase> | null = null;
  const connect = (): Promise<IDBDatabase> => {
    database ??= openDatabase(factory).then(
      (db) => {
        // A newer version of the app wants to upgrade the database: let it, and open again when next needed.
        db.onversionchange = () => {
          db.close();
          database = null;
        };
        db.onclose = () => {
          database = null;
        };
        return db;
      },
      (error: unknown) => {
        database = null;
        throw error;
      },
    );
    return database;
  };

  /** Runs `work` in one transaction; resolves with the request's result once the transaction has committed. */
  async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
    const db = await connect();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = work(transaction.objectStore(STORE));
      // Commit as soon as the requests are done, without a round trip back to this page: a tab
      // closed right after typing still keeps its last update. (Browsers before Safari 15 lack it.)
      if (mode === 'readwrite') transaction.commit?.();
      transaction.oncomplete = () => resolve(request ? request.result : undefined);
      transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
    });
  }

  // Arrays sort after strings in IndexedDB keys, so [..., []] is above every key with that prefix.
  const docRange = (key: DocKey) => IDBKeyRange.bound([userId, key], [userId, key, []]);
  const userRange = () => IDBKeyRange.bound([userId], [userId, []]);

  return {
    async list(key) {
      const records = (await run('readonly', (store) => store.getAll(docRange(key)) as IDBRequest<OutboxRecord[]>)) ?? [];
      return records.map((record): OutboxEntry => ({ id: record.id, update: record.update }));
    },
    async add(key, entry) {
      const record: OutboxRecord = { userId, docKey: key, id: entry.id, update: entry.update };
      await run('readwrite', (store) => void store.put(record));
    },
    async remove(key, ids) {
      if (ids.length === 0) return;
      await run('readwrite', (store) => {
        for (const id of ids) store.delete([userId, key, id]);
      });
    },
    async count() {
      return (await run('readonly', (store) => store.count(userRange()))) ?? 0;
    },
    async clear() {
      await run('readwrite', (store) => void store.delete(userRange()));
    },
  };
}
