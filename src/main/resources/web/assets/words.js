// Counted nouns for page text: "1 stream", "2 streams", "0 viewers" (English plurals in -s).
export function counted(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
