import { stringify } from 'yaml';

/**
 * k6-operator manifests: a ConfigMap holding the script and a `TestRun` with
 * `parallelism` runner pods; the operator hands each pod its execution segment. Each pod prints
 * its own summary (between the script's markers) to its log: `kubectl logs` of the runner pods
 * gives the files `stresslab k6 import` merges. Exact percentiles across pods need `--out json`
 * files on a shared volume (see the note written beside the manifests).
 */
export interface OperatorManifestOptions {
  scenarioName: string;
  parallelism: number;
  /** The script's file name inside the ConfigMap. */
  scriptFile: string;
  script: string;
  /** Files the script opens, by name (the request bodies): in the same ConfigMap, mounted beside it. */
  files?: Readonly<Record<string, string>>;
  /** BASE_URL for the runner pods; left as a placeholder to edit when unknown. */
  baseUrl: string | null;
  namespace?: string;
}

export interface OperatorManifests {
  configMapName: string;
  testRunName: string;
  configMap: string;
  testRun: string;
}

/** ConfigMaps hold at most 1 MiB (etcd); a bigger script must go through a volume or a k6 archive. */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;

export function operatorManifests(o: OperatorManifestOptions): OperatorManifests {
  const base = `stresslab-${o.scenarioName}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 50).replace(/-+$/, '');
  const configMapName = `${base}-script`;
  const metadata = (name: string) => ({ name, ...(o.namespace ? { namespace: o.namespace } : {}), labels: { 'app.kubernetes.io/managed-by': 'stresslab', 'stresslab/scenario': base.slice('stresslab-'.length) } });
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(configMapName), data: { [o.scriptFile]: o.script, ...o.files } };
  const testRun = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: metadata(base),
    spec: {
      parallelism: o.parallelism,
      script: { configMap: { name: configMapName, file: o.scriptFile } },
      // Tags every sample with the run; the operator adds instance_id and testrun_name itself.
      arguments: `--tag testid=${base}`,
      runner: {
        env: [
          { name: 'BASE_URL', value: o.baseUrl ?? 'http://CHANGE-ME:8080' },
          { name: 'SUMMARY_FILE', value: '/tmp/stresslab-summary.json' },
        ],
      },
    },
  };
  return { configMapName, testRunName: base, configMap: stringify(configMap, { lineWidth: 0 }), testRun: stringify(testRun, { lineWidth: 0 }) };
}
