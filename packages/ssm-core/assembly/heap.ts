/** First free byte after the module's static data: the host's scratch arena starts here. */
export function heapBase(): usize {
  return __heap_base;
}
