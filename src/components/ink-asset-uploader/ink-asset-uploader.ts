import { type InkAssetUploadedEvent, InkAssetUploader } from './ink-asset-uploader.component.ts';

export * from './ink-asset-uploader.component.ts';

customElements.define('ink-asset-uploader', InkAssetUploader);

declare global {
  interface HTMLElementTagNameMap {
    'ink-asset-uploader': InkAssetUploader;
  }
  interface HTMLElementEventMap {
    'ink-asset-uploaded': InkAssetUploadedEvent;
  }
}
