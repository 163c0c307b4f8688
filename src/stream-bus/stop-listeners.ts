/**
 * The listeners a bus calls when a reply is asked to stop. The list is replaced, never changed in
 * place, so that a listener removing itself while being called does not skip the next one.
 */
export function stopListeners() {
  let list: ((replyId: number) => void)[] = [];
  return {
    add(listener: (replyId: number) => void): () => void {
      list = [...list, listener];
      return () => {
        list = list.filter((l) => l !== listener);
      };
    },
    emit(replyId: number): void {
      for (const l of list) l(replyId);
    },
    clear(): void {
      list = [];
    },
  };
}
