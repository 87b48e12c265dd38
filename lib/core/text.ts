/** "1 changed file", "3 changed files": counts in what operators and reviewers read. */
export function count(n: number, noun: string): string {
    return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
