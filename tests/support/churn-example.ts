import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCliAsync } from './child-process.js';
import { REPO_ROOT } from './paths.js';

const EXAMPLE = join(REPO_ROOT, 'examples', 'churn-feature-store');

/**
 * A copy of the churn example inside the repository (so that `import ... from 'sagepipe'`
 * resolves), with its config editable and compilable into artifact folders.
 */
export class ChurnWorkspace {
  readonly directory: string;
  private readonly configPath: string;

  /** `deployable` replaces the config's placeholder account id and e-mail address with real-looking values. */
  constructor(deployable = true) {
    mkdirSync(join(REPO_ROOT, '.sagepipe'), { recursive: true });
    this.directory = mkdtempSync(join(REPO_ROOT, '.sagepipe', 'test-churn-'));
    cpSync(join(EXAMPLE, 'pipeline.ts'), join(this.directory, 'pipeline.ts'));
    mkdirSync(join(this.directory, 'configs'));
    this.configPath = join(this.directory, 'configs', 'pipeline_config.yaml');
    let config = readFileSync(join(EXAMPLE, 'configs', 'pipeline_config.yaml'), 'utf8');
    if (deployable) {
      config = config.replace(/ACCOUNT_ID/g, '123456789012').replace('your-email@example.com', 'ml-alerts@churn-team.test');
    }
    writeFileSync(this.configPath, config);
  }

  /** Sets one top-level key of pipeline_config.yaml. */
  setConfig(key: string, value: string): void {
    const text = readFileSync(this.configPath, 'utf8');
    const pattern = new RegExp(`^${key}:.*$`, 'm');
    if (!pattern.test(text)) {
      throw new Error(`pipeline_config.yaml has no key ${key}`);
    }
    writeFileSync(this.configPath, text.replace(pattern, `${key}: ${value}`));
  }

  /** Compiles into `<workspace>/<name>` and returns that folder; throws with the output when compile fails. */
  async compile(name = 'out'): Promise<string> {
    const out = join(this.directory, name);
    const result = await runCliAsync(['compile', join(this.directory, 'pipeline.ts'), '--out', out, '--no-type-check']);
    if (result.status !== 0) {
      throw new Error(`compile failed with exit code ${result.status}:\n${result.stderr}`);
    }
    return out;
  }

  remove(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }
}
