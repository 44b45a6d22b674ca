// placeholder: being written
export function placeholder(): void {}
