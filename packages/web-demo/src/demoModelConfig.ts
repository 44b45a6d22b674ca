/**
 * The demo model's vocabulary and architecture, with no imports, so that the browser page (which
 * imports ssm-core from source) and the Node training tool (which imports ssm-core's dist) build the
 * same model and the trained weights load into the page.
 */
export const ALPHABET = ' abcdefghijklmnopqrstuvwxyz.,!?\n';
export const DEMO_MODEL = { vocabSize: ALPHABET.length, dModel: 64, nLayers: 2, dState: 16, seed: 2024 } as const;
/** Folder (under public/, so Vite copies it to dist/) the page loads model.json + weights.bin from. */
export const MODEL_DIR = 'model';

export function encode(text: string): number[] {
  return [...text].map((ch, i) => {
    const id = ALPHABET.indexOf(ch);
    if (id < 0) throw new Error(`encode: character ${JSON.stringify(ch)} at index ${i} is not in the demo alphabet ${JSON.stringify(ALPHABET)}`);
    return id;
  });
}

export function decode(ids: number[]): string {
  return ids.map((id) => ALPHABET[id] ?? '\uFFFD').join('');
}

/**
 * Maps any text onto the alphabet: lower case, letters kept, . , ! ? and newlines kept, every
 * other run of characters (digits, markup, code symbols) becomes one space; at most one blank line.
 */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^ a-z.,!?\n]+/g, ' ')
    .replace(/ +/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}
