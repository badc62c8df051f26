/**
 * Small binary min-heap, used by RelatedIndex to find the oldest story to
 * evict in O(log n) instead of scanning every story on each upsert.
 * Ordering is given by `less`; ties come out in no particular order.
 */
export class MinHeap<T> {
  private items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(a[i] as T, a[parent] as T)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  peek(): T | undefined {
    return this.items[0];
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** Replace the content in O(n) (used to drop stale entries). */
  rebuild(items: T[]): void {
    this.items = items;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  clear(): void {
    this.items = [];
  }

  private siftDown(start: number): void {
    const a = this.items;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.less(a[l] as T, a[m] as T)) m = l;
      if (r < a.length && this.less(a[r] as T, a[m] as T)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(i: number, j: number): void {
    const a = this.items;
    const t = a[i] as T;
    a[i] = a[j] as T;
    a[j] = t;
  }
}
