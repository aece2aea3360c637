import type { ToxicKind } from '../toxic-stage.ts';

export interface TimeoutAttributes {
  /** ms without incoming data before the link closes; 0 = never (a pure black hole). */
  readonly timeout: number;
}

/**
 * A black hole: every chunk in this direction is dropped. The close timer restarts on each dropped chunk.
 * Removing the toxic closes the connection, because the stream is corrupt once data was dropped.
 */
export const timeoutToxic: ToxicKind<TimeoutAttributes> = {
  goStruct: 'TimeoutToxic',
  fields: [['timeout', 'int64']],
  createStage: (attrs, env) => {
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      if (attrs.timeout <= 0) return;
      clearTimeout(timer);
      timer = setTimeout(() => env.closeLink(), attrs.timeout);
    };
    arm();
    return {
      onChunk: () => arm(),
      stop(reason) {
        clearTimeout(timer);
        if (reason === 'removed') env.closeLink();
      },
    };
  },
};
