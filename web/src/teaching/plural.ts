/** "1 learner", "2 learners": a count with its noun, plural unless it is one. */
export function plural(count: number, noun: string, many = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : many}`;
}
