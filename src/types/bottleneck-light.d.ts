// bottleneck's light build (no Redis clustering) is the one the Octokit throttling plugin uses; same API as the full build.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
