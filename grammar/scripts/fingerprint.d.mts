export declare const GRAMMAR_INPUTS: string[];
export declare const GENERATED_OUTPUTS: string[];
export interface Fingerprint {
  inputs: Record<string, string>;
  outputs: Record<string, string>;
}
export declare function generatedFingerprint(grammarDir: string): Fingerprint;
